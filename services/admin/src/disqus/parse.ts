import { SaxesParser } from 'saxes';
import type { Readable } from 'node:stream';

export interface DisqusThread {
  dsqId: string;
  identifier: string;
  link: string;
  title: string;
  createdAt: string;
  closed: boolean;
}

export interface DisqusPost {
  dsqId: string;
  threadDsqId: string;
  parentDsqId: string | null;
  message: string;
  createdAt: string;
  deleted: boolean;
  spam: boolean;
  author: { name: string; email: string; username: string; anonymous: boolean };
}

/** The export is not well-formed XML; nothing of it was imported. */
export class DisqusFormatError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`malformed XML at line ${line}, column ${column}: ${reason}`);
    this.name = 'DisqusFormatError';
  }
}

type Record_ = {
  kind: 'thread' | 'post';
  attrs: Record<string, string>;
  fields: Map<string, string>;
  refs: Map<string, string>;
};

/**
 * Streams a Disqus XML export: calls onThread / onPost for each top-level <thread> and <post>
 * as soon as it closes, and onProgress with the bytes read. The handlers may be async (the
 * read waits for them: backpressure). Throws DisqusFormatError with the line of the first
 * well-formedness error.
 */
export async function parseDisqus(
  input: Readable,
  h: {
    onThread: (t: DisqusThread) => void;
    onPost: (p: DisqusPost) => void;
    afterChunk: () => Promise<void>;
    onProgress?: (bytes: number) => void;
  },
): Promise<void> {
  const parser = new SaxesParser({ position: true });
  const path: string[] = [];
  let current: Record_ | null = null;
  let text = '';
  let failure: Error | null = null;
  parser.on('error', (err) => {
    failure ??= new DisqusFormatError(parser.line, parser.column, err.message.replace(/^[^:]*:\d+:\d+: /, ''));
  });
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    if (path.length === 2 && (tag.name === 'thread' || tag.name === 'post')) {
      current = { kind: tag.name, attrs: tag.attributes as Record<string, string>, fields: new Map(), refs: new Map() };
    } else if (current && path.length === 3 && (tag.name === 'thread' || tag.name === 'parent')) {
      const ref = (tag.attributes as Record<string, string>)['dsq:id'];
      if (ref) current.refs.set(tag.name, ref);
    }
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const depth = path.length;
    path.pop();
    if (!current) return;
    if (depth === 3) current.fields.set(tag.name, text);
    else if (depth === 4 && path[2] === 'author') current.fields.set(`author.${tag.name}`, text);
    if (depth !== 2) return;
    const r: Record_ = current;
    current = null;
    const f = (k: string) => (r.fields.get(k) ?? '').trim();
    const dsqId = r.attrs['dsq:id'] ?? '';
    if (r.kind === 'thread') {
      h.onThread({
        dsqId,
        identifier: f('id'),
        link: f('link'),
        title: f('title'),
        createdAt: f('createdAt'),
        closed: f('isClosed') === 'true',
      });
    } else {
      h.onPost({
        dsqId,
        threadDsqId: r.refs.get('thread') ?? '',
        parentDsqId: r.refs.get('parent') ?? null,
        message: r.fields.get('message') ?? '',
        createdAt: f('createdAt'),
        deleted: f('isDeleted') === 'true',
        spam: f('isSpam') === 'true',
        author: {
          name: f('author.name'),
          email: f('author.email'),
          username: f('author.username'),
          anonymous: f('author.isAnonymous') === 'true',
        },
      });
    }
  });

  let bytes = 0;
  for await (const chunk of input) {
    const s = chunk as string;
    bytes += Buffer.byteLength(s);
    parser.write(s);
    if (failure) throw failure;
    await h.afterChunk();
    h.onProgress?.(bytes);
  }
  parser.close();
  if (failure) throw failure;
  if (path.length > 0) throw new DisqusFormatError(parser.line, parser.column, `unclosed <${path[path.length - 1]}>`);
}
