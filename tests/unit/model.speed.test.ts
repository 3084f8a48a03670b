import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alternatingRounds } from '../../services/worker/training/speed.js';

describe('alternating rounds (model:eval --baseline speed)', () => {
  it('when two scorers are timed, then they run in turn with the order swapped each round, after one warm-up pass each', () => {
    const calls: string[] = [];
    let clock = 0;
    // A costs 2 µs a text, B 3 µs, on a clock that only the scorers move.
    const a = (t: string) => {
      calls.push(`a:${t}`);
      clock += 2;
    };
    const b = (t: string) => {
      calls.push(`b:${t}`);
      clock += 3;
    };
    const [fa, fb] = alternatingRounds([a, b], ['x', 'y'], 3, () => clock);
    assert.deepEqual(calls, [
      ...['a:x', 'a:y', 'b:x', 'b:y'], // warm-up
      ...['a:x', 'a:y', 'b:x', 'b:y'], // round 1
      ...['b:x', 'b:y', 'a:x', 'a:y'], // round 2, swapped
      ...['a:x', 'a:y', 'b:x', 'b:y'], // round 3
    ]);
    assert.deepEqual(fa, { minMicros: 2, medianMicros: 2 });
    assert.deepEqual(fb, { minMicros: 3, medianMicros: 3 });
  });

  it('when rounds differ, then the best and the median round are reported per text', () => {
    let clock = 0;
    // One scorer, one text: the warm-up pass costs nothing here, then five rounds cost these.
    const costs = [0, 5, 1, 3, 9, 2];
    let call = 0;
    const f = () => {
      clock += costs[call++]!;
    };
    const [r] = alternatingRounds([f], ['only'], 5, () => clock);
    assert.deepEqual(r, { minMicros: 1, medianMicros: 3 });
  });

  it('when there is nothing to time, then it says so', () => {
    assert.throws(() => alternatingRounds([() => 0], [], 3), /need texts/);
    assert.throws(() => alternatingRounds([() => 0], ['x'], 0), /at least one round/);
  });
});
