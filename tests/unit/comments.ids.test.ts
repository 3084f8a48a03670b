import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '#shared/ids.js';

/** Comment, reader and job ids: UUID v7, strictly increasing within a process (keyset pagination relies on it). */

const V7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('newId', () => {
  it('when many ids are made at once (several pools of random bytes, many in one millisecond), then each is a v7 UUID, unique and greater than the one before', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, newId);
    const after = Date.now();
    for (const id of ids) assert.match(id, V7_RE);
    assert.equal(new Set(ids).size, ids.length, 'unique');
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
    assert.ok(msOf(ids[0]!) >= before && msOf(ids.at(-1)!) <= after + 1, 'the time is the time it was made');
  });

  it('when ids are made, then the random bytes at their end differ from id to id (each takes its own bytes of the pool)', () => {
    const tails = new Set(Array.from({ length: 600 }, () => newId().slice(-10)));
    assert.equal(tails.size, 600);
  });
});
