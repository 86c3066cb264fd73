import { RecentRelays } from '../../../local/console/relays.js';
import type { Invocation } from '../../../local/event-source-mapping.js';

const invocation = (functionName: string, endedAt: number): Invocation => ({
  functionName,
  size: 3,
  waitedMs: 0,
  startedAt: endedAt - 40,
  endedAt,
  failed: 0,
  outcome: 'ok',
  summary: { consumer: functionName, size: 3, processed: 1, retried: 0, deadLettered: 2 },
});

describe('RecentRelays', () => {
  it('lists the newest invocation first, with the line npm start prints', () => {
    const relays = new RecentRelays();

    relays.add(invocation('salesforceWriter', 1_000));
    relays.add(invocation('mixpanelSender', 2_000));

    expect(relays.list().map((relay) => relay.functionName)).toEqual(['mixpanelSender', 'salesforceWriter']);
    expect(relays.list()[1]).toMatchObject({
      processed: 1,
      deadLettered: 2,
      line: '[salesforceWriter] batch of 3: 1 processed, 2 dead-lettered in 40 ms',
    });
  });

  it('keeps only the last ones', () => {
    const relays = new RecentRelays(2);

    for (const at of [1, 2, 3]) relays.add(invocation(`f${at}`, at));

    expect(relays.list().map((relay) => relay.functionName)).toEqual(['f3', 'f2']);
  });
});
