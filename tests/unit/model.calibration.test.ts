import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultWeightsPath, sigmoid } from '#shared/scoring/model/index.js';
import { readWeights } from '#shared/scoring/model/weights.js';
import { fitPlatt } from '../../services/worker/training/logreg.js';

const f64 = (xs: number[]) => Float64Array.from(xs);

describe('Platt calibration (model:train)', () => {
  it('when the margins overlap, then the fit ranks as they do and its probabilities follow the labels', () => {
    // Margins −3 … 3, a positive more likely the higher it is.
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 600; i++) {
      const m = -3 + (6 * i) / 599;
      z.push(m);
      y.push((i * 7919) % 100 < 100 * sigmoid(2 * m - 0.5) ? 1 : 0);
    }
    const { a, b } = fitPlatt(f64(z), f64(y), f64(z.map(() => 1)));
    assert.ok(a > 1.5 && a < 2.5, `a = ${a}`);
    assert.ok(b > -1 && b < 0, `b = ${b}`);
  });

  it('when the margins separate the classes, then the slope stays finite and no probability is a step of 0 or 1', () => {
    const z = f64([-4, -3, -2.5, -2, -1, 1, 2, 2.5, 3, 4]);
    const y = f64([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const { a, b } = fitPlatt(z, y, f64(Array.from(z, () => 1)));
    assert.ok(Number.isFinite(a) && Number.isFinite(b));
    assert.ok(a > 0 && a < 20, `a = ${a}`);
    // Smoothed targets 6/7 and 1/7: the nearest rows on each side are neither certain nor wrong.
    assert.ok(sigmoid(a * 1 + b) > 0.5 && sigmoid(a * 1 + b) < 0.999, String(sigmoid(a + b)));
    assert.ok(sigmoid(a * -1 + b) < 0.5 && sigmoid(a * -1 + b) > 0.001, String(sigmoid(-a + b)));
  });

  it('when rows carry weights, then a heavier positive class raises the intercept toward it', () => {
    const z = f64([-2, -1, 0, 1, 2, -1, 0, 1]);
    const y = f64([0, 0, 0, 1, 1, 1, 1, 0]);
    const light = fitPlatt(z, y, f64([1, 1, 1, 1, 1, 1, 1, 1]));
    const heavy = fitPlatt(z, y, f64([1, 1, 1, 3, 3, 3, 3, 1]));
    assert.ok(heavy.b > light.b, `${heavy.b} ≤ ${light.b}`);
  });

  it('when the rows are all of one label, then the fit is refused rather than made flat', () => {
    const z = f64([-1, 0, 1]);
    assert.throws(() => fitPlatt(z, f64([1, 1, 1]), f64([1, 1, 1])), /both labels/);
    assert.throws(() => fitPlatt(z, f64([0, 0, 0]), f64([1, 1, 1])), /both labels/);
  });

  it('when the shipped weights load, then every head is calibrated to a finite, moderate slope', () => {
    for (const h of readWeights(defaultWeightsPath()).header.heads) {
      const { a, b } = h.calibration;
      assert.ok(a > 0.1 && a < 10, `${h.attribute}: a = ${a}`);
      assert.ok(Math.abs(b) < 20, `${h.attribute}: b = ${b}`);
    }
  });
});
