import { describe, expect, it } from '@jest/globals';
import type { SourceVersion } from '../../../../lib/clients/mixpanel/types.js';
import { StoredVersionGate } from '../../../../lib/clients/mixpanel/version-gate.js';
import { FakeStateStore } from '../../../support/fake-state-store.js';

const v = (key: string, modstamp: string): SourceVersion => ({ key, modstamp });
const OPP = 'Opportunity/0065g00000Ab1CdAAJ';
const NOW = Math.floor(Date.now() / 1000) * 1000;

describe('StoredVersionGate', () => {
  it('admits a first version, then refuses an older one and admits the same one again (a retry)', async () => {
    const store = new FakeStateStore();
    const gate = new StoredVersionGate(store, { now: () => NOW });

    const first = await gate.admit([v(OPP, '2026-03-31T14:02:11.000Z')]);
    const older = await gate.admit([v(OPP, '2026-03-30T08:00:00.000Z')]);
    const retry = await gate.admit([v(OPP, '2026-03-31T14:02:11.000Z')]);
    const newer = await gate.admit([v(OPP, '2026-04-01T09:00:00Z')]);

    expect([first, older, retry, newer]).toEqual([[true], [false], [true], [true]]);
    expect(store.all()).toEqual([
      {
        pk: `mixpanel#version#${OPP}`,
        sk: 'applied',
        appliedMs: Date.parse('2026-04-01T09:00:00Z'),
        modstamp: '2026-04-01T09:00:00.000Z',
        expiresAt: NOW / 1000 + 30 * 24 * 3600,
      },
    ]);
  });

  it('reads every mark with one getMany and writes once per record whose batch is newer', async () => {
    const store = new FakeStateStore();
    const gate = new StoredVersionGate(store, { ttlSeconds: 60, now: () => NOW });
    await gate.admit([v('Opportunity/B', '2026-03-31T00:00:00Z')]);
    const before = { ...store.calls };

    const answers = await gate.admit([
      v(OPP, '2026-03-30T00:00:00Z'),
      undefined,
      v(OPP, '2026-03-31T00:00:00Z'),
      v('Opportunity/B', '2026-03-31T00:00:00Z'),
      v(OPP, '2026-03-31T00:00:00Z'),
    ]);

    // The older update of OPP shares the batch with a newer one, which Mixpanel could apply first.
    expect(answers).toEqual([false, true, true, true, true]);
    expect((store.calls.getMany ?? 0) - (before.getMany ?? 0)).toBe(1);
    expect((store.calls.update ?? 0) - (before.update ?? 0)).toBe(1);
    expect(store.all().find((item) => item.pk.endsWith('Opportunity/B'))?.expiresAt).toBe(NOW / 1000 + 60);
  });

  it('refuses a version that another sender has overtaken between the read and the write', async () => {
    const store = new FakeStateStore();
    const gate = new StoredVersionGate(store);
    const racing = new StoredVersionGate(store);
    const read = store.getMany.bind(store);
    let raced = false;
    store.getMany = async (keys) => {
      const marks = await read(keys);
      if (!raced) {
        raced = true;
        await racing.admit([v(OPP, '2026-04-02T00:00:00Z')]);
      }
      return marks;
    };

    expect(await gate.admit([v(OPP, '2026-04-01T00:00:00Z')])).toEqual([false]);
    expect(store.all()[0]?.modstamp).toBe('2026-04-02T00:00:00.000Z');
  });

  it('admits a version that is not a date without keeping a mark for it', async () => {
    const store = new FakeStateStore();

    expect(await new StoredVersionGate(store).admit([v(OPP, 'yesterday')])).toEqual([true]);
    expect(store.all()).toEqual([]);
  });
});
