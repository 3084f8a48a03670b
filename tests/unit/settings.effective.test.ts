import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, effectiveSettings } from '#shared/settings.js';

/** A site's stored overrides over the defaults, and what happens to a stored setting that no longer validates. */

describe("a site's effective settings", () => {
  it('when overrides are valid, then they replace the defaults they name and no others', () => {
    const s = effectiveSettings({ premod: 'all', reportThreshold: 5 });
    assert.equal(s.premod, 'all');
    assert.equal(s.reportThreshold, 5);
    assert.equal(s.editWindowMinutes, DEFAULT_SETTINGS.editWindowMinutes);
  });

  it('when one stored setting no longer validates or is unknown, then only it falls back to its default and the site keeps its other choices', () => {
    const s = effectiveSettings({
      premod: 'all',
      bannedWords: ['frobnicate'],
      reportThreshold: 'three',
      aSettingAnUpgradeDropped: true,
    });
    assert.equal(s.premod, 'all', 'pre-moderation is kept');
    assert.deepEqual(s.bannedWords, ['frobnicate']);
    assert.equal(s.reportThreshold, DEFAULT_SETTINGS.reportThreshold);
    assert.equal((s as unknown as Record<string, unknown>).aSettingAnUpgradeDropped, undefined);
  });

  it('when a setting inside a group no longer validates or is unknown, then only it falls back and the rest of the group stays', () => {
    const s = effectiveSettings({
      dsa: { enabled: false, aKeyAnUpgradeDropped: 1 },
      links: { denyDomains: ['spam-pills.biz'], holdBelowApproved: 'two' },
    });
    assert.equal(s.dsa.enabled, false, "the site's DSA choice is kept");
    assert.deepEqual(s.links.denyDomains, ['spam-pills.biz'], 'its denied domains are kept');
    assert.equal(s.links.holdBelowApproved, DEFAULT_SETTINGS.links.holdBelowApproved);
  });

  it('when nothing is stored or what is stored is not an object, then the defaults', () => {
    assert.deepEqual(effectiveSettings(null), DEFAULT_SETTINGS);
    assert.deepEqual(effectiveSettings('garbage'), DEFAULT_SETTINGS);
  });
});
