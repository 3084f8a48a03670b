/** An adapter's saved state (adapter.ts, `serialize`) with its JSON head edited, the rest of its bytes as they were. */
function withHead(
  bytes: Uint8Array,
  edit: (head: Record<string, unknown> & { options: Record<string, unknown> }) => void,
) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(8, true);
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  edit(head);
  const json = new TextEncoder().encode(JSON.stringify(head));
  const out = new Uint8Array(12 + json.length + bytes.length - 12 - len);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(bytes.subarray(12 + len), 12 + json.length);
  return out;
}

/**
 * An adapter's saved state as it was written before adapters read the words near a group's name: the same bytes
 * with `groupContext` taken out of the options in its JSON head.
 */
export function savedBeforeGroupContext(bytes: Uint8Array): Uint8Array {
  return withHead(bytes, (head) => {
    delete head.options.groupContext;
  });
}

/**
 * An adapter's saved state as if its shadow window had been scored by the shared model `model` (null: as it was
 * written before adapters recorded one).
 */
export function savedOnModel(bytes: Uint8Array, model: string | null): Uint8Array {
  return withHead(bytes, (head) => {
    if (model === null) delete head.model;
    else head.model = model;
  });
}
