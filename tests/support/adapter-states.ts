/**
 * An adapter's saved state as it was written before adapters read the words near a group's name: the same bytes
 * with `groupContext` taken out of the options in its JSON head (adapter.ts, `serialize`).
 */
export function savedBeforeGroupContext(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(8, true);
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  delete head.options.groupContext;
  const json = new TextEncoder().encode(JSON.stringify(head));
  const old = new Uint8Array(12 + json.length + bytes.length - 12 - len);
  old.set(bytes.subarray(0, 12));
  new DataView(old.buffer).setUint32(8, json.length, true);
  old.set(json, 12);
  old.set(bytes.subarray(12 + len), 12 + json.length);
  return old;
}
