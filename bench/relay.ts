import { startBenchHub, type BenchContext } from './harness.js';
import { relayOutboundThroughHub } from './outbound.js';
import { economyGoal, relayTable, type ScenarioReport } from './report.js';
import { relayTermsThroughHub } from './terms.js';
import { relayNaively, relayThroughHub, type ScenarioResult } from './tickets.js';

/**
 * Scenario 1: tickets (requester by external id, by email only), terms acceptances and outbound
 * messages through the hub, each from drained queues, beside the naive relay on the same emulators.
 */
export async function relayScenario({ options, progress }: BenchContext): Promise<ScenarioReport> {
  const bench = await startBenchHub({ latencyMs: options.latencyMs });
  const { hub, sandbox, contacts } = bench;
  const results: ScenarioResult[] = [];
  const tracked = async (
    name: string,
    total: number,
    run: (update: (done: number) => void) => Promise<ScenarioResult>,
  ) => {
    const tracker = progress.track(`relay: ${name}`, total);
    try {
      results.push(await run((done) => tracker.update(done)));
    } finally {
      tracker.stop();
    }
  };
  const records = options.records;
  try {
    for (const [name, withExternalId, firstTicketId] of [
      ['hub: tickets, requester with external id', true, 1],
      ['hub: tickets, requester by email only', false, 1_000_001],
    ] as const)
      await tracked(name.slice(5), records, (onProgress) =>
        relayThroughHub(name, hub, sandbox, contacts, { records, firstTicketId, withExternalId, onProgress }),
      );
    await tracked('terms acceptances', records, (onProgress) =>
      relayTermsThroughHub(hub, sandbox, contacts, records, onProgress),
    );
    await tracked('outbound messages', records, (onProgress) =>
      relayOutboundThroughHub(hub, sandbox, records, onProgress),
    );
    await tracked('naive relay', options.naiveRecords, (onProgress) =>
      relayNaively('naive: one call per record (email)', sandbox, sandbox.env, contacts, {
        records: options.naiveRecords,
        firstTicketId: 2_000_001,
        onProgress,
      }),
    );
  } finally {
    await bench.stop();
  }
  return {
    name: 'relay',
    table: [
      ...relayTable(results),
      '',
      ...results.map((r) => `${r.name}: Salesforce calls by endpoint ${JSON.stringify(r.salesforceByEndpoint)}`),
      '',
      `Every emulated API call takes ${options.latencyMs} ms. Hub times include the batching windows of ` +
        'serverless.yml, as in Lambda; outbound messages count notifications (100 per message).',
    ],
    figures: { latencyMs: options.latencyMs, results },
    timelines: [],
    goals: results.filter((r) => r.name.startsWith('hub:')).map(economyGoal),
  };
}
