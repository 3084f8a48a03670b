import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uuidV7Floor } from '#shared/db/moderation-queues.js';
import { newId } from '#shared/ids.js';

/** Compares UUIDs as Postgres does: byte by byte, i.e. as lower-case hex strings. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const msOf = (uuid: string) => parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);

describe('recent-window bound for queues', () => {
  it("when an id is created at or after a time, then it sorts at or above that time's floor, and below the next millisecond's", () => {
    for (let i = 0; i < 1000; i++) {
      const id = newId();
      const ms = msOf(id);
      assert.ok(cmp(uuidV7Floor(ms), id) <= 0, `${uuidV7Floor(ms)} ≤ ${id}`);
      assert.ok(cmp(uuidV7Floor(ms + 1), id) > 0, `${uuidV7Floor(ms + 1)} > ${id}`);
    }
  });

  it('when given time zero or a negative time, then the floor is the smallest version-7 id', () => {
    assert.equal(uuidV7Floor(0), '00000000-0000-7000-8000-000000000000');
    assert.equal(uuidV7Floor(-5), '00000000-0000-7000-8000-000000000000');
  });
});
