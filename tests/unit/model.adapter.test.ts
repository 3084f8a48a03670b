import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADAPTER_HEAD_BYTES,
  adapterHeadOf,
  adapterOptionsOf,
  createAdapter,
  deserialize,
} from '#shared/scoring/model/adapter.js';
import type { FeatureVector } from '#shared/scoring/model/comment.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../../services/worker/training/datasets.js';
import { refitAdapterModel } from '../../services/worker/training/refit.js';
import { savedBeforeGroupContext, savedOnModel } from '../support/adapter-states.js';

/**
 * A synthetic site: bucket 7 marks what this site's moderators reject and the shared model does not know
 * (its logit says nothing useful: noise), other buckets are filler.
 */
function stream(n: number, seed: number): { f: FeatureVector; base: number; label: 0 | 1 }[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const label = (r() < 0.3 ? 1 : 0) as 0 | 1;
    const filler = [100 + Math.floor(r() * 50), 300 + Math.floor(r() * 50)];
    const index = Int32Array.from(label === 1 ? [7, ...filler] : filler);
    const value = Float32Array.from(index, () => 1 / Math.sqrt(index.length));
    return { f: { index, value }, base: r() * 2 - 1, label };
  });
}

describe('per-site adapter', () => {
  it('when nothing was learned, then it predicts exactly the shared model', () => {
    const a = createAdapter();
    for (const x of stream(20, 1)) assert.ok(Math.abs(a.predict(x.f, x.base) - 1 / (1 + Math.exp(-x.base))) < 1e-12);
    assert.equal(a.shouldUse(), false);
    assert.equal(a.shadow.n, 0);
  });

  it('when it learns a stream of decisions the shared model gets wrong, then it separates them and asks to be used', () => {
    const a = createAdapter();
    const train = stream(400, 2);
    for (const x of train) a.learn(x.f, x.base, x.label);
    const test = stream(200, 3);
    const pos = test.filter((x) => x.label === 1).map((x) => a.predict(x.f, x.base));
    const neg = test.filter((x) => x.label === 0).map((x) => a.predict(x.f, x.base));
    assert.ok(Math.min(...pos) > Math.max(...neg), `${Math.min(...pos)} ≤ ${Math.max(...neg)}`);
    const s = a.shadow;
    assert.equal(s.n, 400);
    assert.equal(s.total, 400);
    assert.ok(s.adapter.auc > s.base.auc + 0.1, JSON.stringify(s));
    assert.ok(s.adapter.logLoss < s.base.logLoss);
    assert.equal(a.shouldUse(), true);
  });

  it('when fewer decisions than the minimum were seen, then it is not used even if it does well', () => {
    const a = createAdapter({ minDecisions: 200 });
    for (const x of stream(150, 4)) a.learn(x.f, x.base, x.label);
    assert.equal(a.shouldUse(), false);
  });

  it('when its decisions carry nothing the shared model lacks, then it does not ask to be used', () => {
    const a = createAdapter();
    const r = rng(5);
    // The shared model is right (its logit decides the label); the features are noise.
    for (let i = 0; i < 500; i++) {
      const base = r() * 8 - 4;
      const index = Int32Array.of(Math.floor(r() * 1000), Math.floor(r() * 1000));
      a.learn({ index, value: Float32Array.of(0.7, 0.7) }, base, base > 0 ? 1 : 0);
    }
    assert.equal(a.shouldUse(), false, JSON.stringify(a.shadow));
  });

  it('when serialised and restored, then it predicts, learns and reports the same; reset returns to the shared model', () => {
    const a = createAdapter();
    const xs = stream(300, 6);
    for (const x of xs.slice(0, 250)) a.learn(x.f, x.base, x.label);
    const bytes = a.serialize();
    const b = deserialize(bytes);
    assert.deepEqual(b.shadow, a.shadow);
    assert.deepEqual(b.options, a.options);
    for (const x of xs.slice(250)) {
      assert.equal(b.predict(x.f, x.base), a.predict(x.f, x.base));
      a.learn(x.f, x.base, x.label);
      b.learn(x.f, x.base, x.label);
    }
    assert.deepEqual(Buffer.from(b.serialize()), Buffer.from(a.serialize()));
    assert.ok(bytes.length < 64 * 1024, `${bytes.length} bytes`);
    b.reset();
    assert.equal(b.shadow.total, 0);
    assert.equal(b.predict(xs[0]!.f, 0.3), 1 / (1 + Math.exp(-0.3)));
  });

  it('when the shared model changes, then its shadow window starts again and it waits to be checked on the new one, keeping what it learned', () => {
    const a = createAdapter();
    assert.equal(a.model, null);
    assert.equal(a.followModel('toxicity-lr-v4'), false, 'nothing to clear');
    const xs = stream(400, 8);
    for (const x of xs.slice(0, 300)) a.learn(x.f, x.base, x.label);
    assert.equal(a.shouldUse(), true);
    assert.equal(a.followModel('toxicity-lr-v4'), false, 'the same model: nothing changes');
    assert.equal(a.shadow.n, 300);
    const before = xs.slice(300).map((x) => a.predict(x.f, x.base));

    assert.equal(a.followModel('toxicity-lr-v7'), true);
    assert.equal(a.model, 'toxicity-lr-v7');
    assert.deepEqual([a.shadow.n, a.shadow.positives, a.shadow.total], [0, 0, 300]);
    assert.equal(a.shouldUse(), false);
    assert.deepEqual(
      xs.slice(300).map((x) => a.predict(x.f, x.base)),
      before,
      'the weights are kept',
    );
    for (const x of xs.slice(300)) a.learn(x.f, x.base, x.label);
    assert.equal(a.shadow.n, 100);
    assert.equal(a.shouldUse(), false, 'fewer than minDecisions scored by the new model');

    // Saved and restored with it; a state saved before adapters recorded it has none, and is checked again.
    const bytes = a.serialize();
    assert.equal(deserialize(bytes).model, 'toxicity-lr-v7');
    assert.equal(adapterHeadOf(bytes.subarray(0, ADAPTER_HEAD_BYTES)).model, 'toxicity-lr-v7');
    const unrecorded = deserialize(savedOnModel(bytes, null));
    assert.equal(unrecorded.model, null);
    assert.equal(unrecorded.followModel('toxicity-lr-v7'), true);
    assert.equal(unrecorded.shadow.n, 0);
    // A reset forgets what it learned, not which model it follows.
    a.reset();
    assert.deepEqual([a.model, a.shadow.total], ['toxicity-lr-v7', 0]);
  });

  it("when the features carry the words near a group after the shared model's, then a new adapter learns from them and a state saved before them never reads them", () => {
    // The label is in an entry past `modelLength` (the adapter's own), nothing in the shared model's entries.
    const r = rng(8);
    const example = () => {
      const label = (r() < 0.4 ? 1 : 0) as 0 | 1;
      const index = Int32Array.from([100 + Math.floor(r() * 50), 300 + Math.floor(r() * 50), label ? 9000 : 9001]);
      return { f: { index, value: Float32Array.from([0.6, 0.6, 0.5]), modelLength: 2 }, label };
    };
    const fresh = createAdapter();
    assert.equal(fresh.options.groupContext, true);
    for (let i = 0; i < 300; i++) {
      const x = example();
      fresh.learn(x.f, 0, x.label);
    }
    assert.ok(fresh.shadow.adapter.auc > 0.9, JSON.stringify(fresh.shadow));

    // A state as saved before the option existed: its options' JSON has no `groupContext`.
    const before = createAdapter();
    for (const x of stream(100, 9)) before.learn(x.f, x.base, x.label);
    const old = savedBeforeGroupContext(before.serialize());
    assert.ok(old.length > ADAPTER_HEAD_BYTES, 'the weights run past the head');

    const restored = deserialize(old);
    assert.equal(restored.options.groupContext, false);
    // Its options read from the head alone, as the API reads them, say the same; a new adapter's say it reads them.
    assert.equal(adapterOptionsOf(old.subarray(0, ADAPTER_HEAD_BYTES)).groupContext, false);
    assert.equal(adapterOptionsOf(fresh.serialize().subarray(0, ADAPTER_HEAD_BYTES)).groupContext, true);
    assert.throws(() => adapterOptionsOf(old.subarray(0, 20)), /truncated/);
    for (let i = 0; i < 200; i++) {
      const x = example();
      restored.learn(x.f, 0, x.label);
    }
    // The entries past `modelLength` change nothing: the same shared features score the same with or without them.
    const probe = example();
    const own = { index: probe.f.index.subarray(0, 2), value: probe.f.value.subarray(0, 2) };
    assert.equal(restored.predict(probe.f, 0), restored.predict(own, 0));
    assert.notEqual(fresh.predict(probe.f, 0), fresh.predict(own, 0));
    assert.equal(deserialize(restored.serialize()).options.groupContext, false, 'saved again, it stays off');
  });

  it('when the state is damaged or foreign, then it is refused', () => {
    const bytes = createAdapter().serialize();
    assert.throws(() => deserialize(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => deserialize(new TextEncoder().encode('not a state at all')), /not an adapter state/);
  });
});

describe('batch refit yardstick (model:simulate --refit)', () => {
  const auc = (pos: number[], neg: number[]) =>
    pos.reduce((s, p) => s + neg.reduce((t, n) => t + (p > n ? 1 : p === n ? 0.5 : 0), 0), 0) /
    (pos.length * neg.length);

  it('when the decisions carry a signal the shared model lacks, then the refit model ranks by it', () => {
    const train = stream(300, 11).map((x) => ({ features: x.f, baseLogit: x.base, label: x.label }));
    const margin = refitAdapterModel(train, 1e-3, 1 << 16);
    const test = stream(200, 12);
    const pos = test.filter((x) => x.label === 1).map((x) => margin(x.f, x.base));
    const neg = test.filter((x) => x.label === 0).map((x) => margin(x.f, x.base));
    assert.ok(Math.min(...pos) > Math.max(...neg), `${Math.min(...pos)} ≤ ${Math.max(...neg)}`);
  });

  it('when features land in buckets the adapter folds together, then the refit folds them the same way', () => {
    // Bucket 7 + 2¹⁶ folds onto bucket 7: learned from one, the signal shows on the other.
    const train = stream(300, 13).map((x) => ({
      features: { index: x.f.index.map((j) => (j === 7 ? 7 + (1 << 16) : j)), value: x.f.value },
      baseLogit: x.base,
      label: x.label,
    }));
    const margin = refitAdapterModel(train, 1e-3, 1 << 16);
    const test = stream(200, 14);
    const pos = test.filter((x) => x.label === 1).map((x) => margin(x.f, x.base));
    const neg = test.filter((x) => x.label === 0).map((x) => margin(x.f, x.base));
    assert.ok(auc(pos, neg) > 0.99, `AUC ${auc(pos, neg)}`);
  });

  it('when the shared model already decides the labels, then the refit keeps its ranking', () => {
    const r = rng(15);
    const make = (n: number) =>
      Array.from({ length: n }, () => {
        const base = r() * 8 - 4;
        const index = Int32Array.of(Math.floor(r() * 1000), Math.floor(r() * 1000));
        return {
          features: { index, value: Float32Array.of(0.7, 0.7) },
          baseLogit: base,
          label: (base > 0 ? 1 : 0) as 0 | 1,
        };
      });
    const margin = refitAdapterModel(make(400), 1e-3, 1 << 16);
    const test = make(200);
    const pos = test.filter((x) => x.label === 1).map((x) => margin(x.features, x.baseLogit));
    const neg = test.filter((x) => x.label === 0).map((x) => margin(x.features, x.baseLogit));
    assert.ok(auc(pos, neg) > 0.97, `AUC ${auc(pos, neg)}`);
  });

  it('when model:simulate replays a site whose moderators reject a word the shared model does not know, then the adapter and the refit both gain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const r = rng(16);
    const topics = ['the council budget', 'the bus timetable', 'the school board vote', 'the new library hours'];
    const lines = Array.from({ length: 700 }, (_, i) => {
      const label = r() < 0.3 ? 1 : 0;
      const topic = topics[i % topics.length]!;
      // The two classes differ only in one invented word, which the shared model has never seen.
      const marker = label === 1 ? 'zorblax' : 'quelvin';
      return JSON.stringify({ text: `A comment on ${topic}, ${marker} number ${i}`, label });
    });
    const data = join(dir, 'site.jsonl');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'services/worker/training/simulate.ts',
        '--data',
        data,
        '--runs',
        '1',
        '--stream',
        '500',
        '--refit',
        '0.001',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      checkpoints: { decisions: number; base: number; adapter: number; refit: number; shouldUse: number[] }[];
    };
    const at500 = summary.checkpoints.find((c) => c.decisions === 500)!;
    assert.ok(at500.adapter > at500.base + 0.1, JSON.stringify(at500));
    assert.ok(at500.refit > at500.base + 0.1, JSON.stringify(at500));
    assert.deepEqual(at500.shouldUse, [1]);
    assert.match(run.stdout, /\| 500 \| [0-9.]+ \| [0-9.]+ \| \+[0-9.]+ \| 1\/1 \| [0-9.]+ \(\+[0-9.]+\) \|/);
  });

  it('when model:simulate adds the vote of the decisions most alike (--knn), then it starts as the adapter and gains where the rejected comments share a topic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-knn-'));
    const r = rng(17);
    // This site's moderators reject talk of one harmless topic and approve another, in words the word vectors know.
    const rejected = ['football', 'tennis', 'basketball', 'hockey', 'cricket', 'baseball', 'rugby', 'golf'];
    const approved = ['soup', 'bread', 'pasta', 'salad', 'cheese', 'rice', 'noodles', 'pizza'];
    const pick = (a: string[]) => a[Math.floor(r() * a.length)]!;
    const lines = Array.from({ length: 600 }, () => {
      const label = r() < 0.4 ? 1 : 0;
      const w = label === 1 ? rejected : approved;
      return JSON.stringify({ text: `They talked about ${pick(w)} and ${pick(w)} again`, label });
    });
    const data = join(dir, 'site.jsonl');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const args = ['--import', 'tsx', 'services/worker/training/simulate.ts', '--data', data, '--runs', '1'];
    // An adapter that barely learns (step 1e-5), so the column shows what the vote adds.
    const run = spawnSync(
      process.execPath,
      [...args, '--stream', '300', '--knn', '10:2', '--dims', '4096', '--learning-rate', '0.00001'],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      checkpoints: { decisions: number; base: number; adapter: number; knn: number }[];
    };
    const [at0, , at250] = summary.checkpoints;
    assert.equal(at0!.knn, at0!.adapter);
    assert.ok(at250!.adapter < at250!.base + 0.02, JSON.stringify(at250));
    assert.ok(at250!.knn > at250!.adapter + 0.1, JSON.stringify(at250));
    assert.match(run.stdout, /adapter \+ 2 × vote of 10/);
    const bad = spawnSync(process.execPath, [...args, '--knn', '10'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--knn: K:β/);
  });
});
