import http from 'node:http';
import https from 'node:https';
import { guardedLookup, type TargetAllowlist } from '#shared/webhooks/ssrf.js';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * POSTs a body and waits for the status line and the end of the response, within timeoutMs.
 * Connects only to addresses the SSRF guard allows; never follows redirects (a 3xx is a
 * failure, so an endpoint cannot bounce us inward). Reads at most 64 KiB of the response.
 */
export function sendWebhook(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allow: TargetAllowlist;
}): Promise<SendResult> {
  return new Promise((resolve) => {
    const u = new URL(opts.url);
    const client = u.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(
      u,
      {
        method: 'POST',
        headers: { ...opts.headers, 'Content-Length': Buffer.byteLength(opts.body) },
        lookup: guardedLookup(opts.allow),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) res.destroy();
        });
        const finish = () =>
          done({
            ok: status >= 200 && status < 300,
            statusCode: status,
            error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
          });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, statusCode: null, error: `timed out after ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, statusCode: null, error: err.code ? `${err.code}: ${err.message}` : err.message }),
    );
    req.end(opts.body);
  });
}
