type Json = Record<string, unknown>;

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A compact rendering of a JSON Schema for people: `{ url: string, events: ("a"|"b")[] }`. */
function shape(s: Json | undefined, depth = 0): string {
  if (!s) return 'any';
  if (depth > 6) return '…';
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in s) return JSON.stringify(s.const);
  const anyOf = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (anyOf) return anyOf.map((x) => shape(x, depth + 1)).join(' | ');
  if (s.type === 'array') return `${shape(s.items as Json, depth + 1)}[]`;
  if (s.type === 'object' || s.properties) {
    const req = new Set((s.required as string[] | undefined) ?? []);
    const props = Object.entries((s.properties as Record<string, Json> | undefined) ?? {});
    if (props.length === 0) return 'object';
    return `{ ${props.map(([k, v]) => `${k}${req.has(k) ? '' : '?'}: ${shape(v, depth + 1)}`).join(', ')} }`;
  }
  return Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? (s.format ? s.format : 'any'));
}

/**
 * The API reference as one self-contained HTML page rendered on the server from the OpenAPI
 * document: no scripts, no external assets, so it works offline and under a strict CSP.
 */
export function renderDocsPage(doc: Json): string {
  const info = doc.info as { title: string; version: string; description: string };
  const sections: string[] = [];
  const toc: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const id = esc(op.operationId);
      toc.push(
        `<li><a href="#${id}"><code>${esc(method.toUpperCase())} ${esc(path)}</code></a> ${esc(op.summary)}</li>`,
      );
      const params = (op.parameters as Json[])
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}${p.required ? '' : ' (optional)'}</td><td><code>${esc(shape(p.schema as Json))}</code>${p.description ? ` — ${esc(p.description)}` : ''}</td></tr>`,
        )
        .join('');
      const body = op.requestBody
        ? `<h4>Body</h4><pre>${esc(shape((((op.requestBody as Json).content as Json)['application/json'] as Json).schema as Json))}</pre>`
        : '';
      const responses = Object.entries(op.responses as Record<string, Json>)
        .map(([status, r]) => {
          const content = r.content as Record<string, Json> | undefined;
          const [type, media] = content ? Object.entries(content)[0]! : [null, null];
          return `<tr><td>${esc(status)}</td><td>${esc(r.description)}</td><td>${media ? `<code>${esc(type)}</code> <pre>${esc(shape(media.schema as Json))}</pre>` : ''}</td></tr>`;
        })
        .join('');
      sections.push(`<section id="${id}"><h3><code>${esc(method.toUpperCase())} ${esc(path)}</code></h3><p>${esc(op.summary)}</p>
${op.description ? `<p>${esc(op.description)}</p>` : '<p>Who: anyone.</p>'}
${params ? `<h4>Parameters</h4><table>${params}</table>` : ''}${body}<h4>Responses</h4><table>${responses}</table></section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{white-space:pre-wrap;background:#f4f4f4;padding:.4rem;margin:.2rem 0}
section{border-top:1px solid #ddd;padding-top:.5rem}table{border-collapse:collapse;width:100%}td{border:1px solid #ddd;padding:.3rem;vertical-align:top}</style>
</head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Endpoints</h2><ul>${toc.join('')}</ul>${sections.join('\n')}</body></html>`;
}
