import autocannon from 'autocannon';
import { startBenchHub, type BenchContext } from './harness.js';
import { envelope, outboundUrl } from './outbound.js';
import { markdownTable, type ScenarioReport } from './report.js';
import { acceptanceBody, termsHeaders } from './terms.js';
import { contactFor, triggerBody, untilDrained, zendeskHeaders } from './tickets.js';

interface IngressRun {
  name: string;
  requests: number;
  connections: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  /** Answers other than the endpoint's success, and connection errors. */
  failed: number;
}

/**
 * Scenario 3: webhook latency to the answer and requests/s at each ingress route under autocannon,
 * each request a new signed body, from drained queues (the consumers run meanwhile, as deployed).
 */
export async function ingressScenario({ options, progress }: BenchContext): Promise<ScenarioReport> {
  const { requests, connections } = options.ingress;
  const bench = await startBenchHub({ latencyMs: options.latencyMs });
  const { hub, contacts, salesforce } = bench;
  let n = 0;
  const targets = [
    {
      name: 'Zendesk ticket webhook',
      url: `${hub.url}/webhooks/zendesk`,
      requests,
      body: () => triggerBody(3_000_000 + n, contactFor(contacts, n), true),
      headers: zendeskHeaders,
    },
    {
      name: 'terms acceptance webhook',
      url: `${hub.url}/webhooks/terms`,
      requests,
      body: () => acceptanceBody(3_000_000 + n, contactFor(contacts, n)),
      headers: termsHeaders,
    },
    {
      // Each message carries 100 notifications, so fewer of them make a comparable load.
      name: 'Salesforce outbound message (100 notifications)',
      url: outboundUrl(hub),
      requests: Math.max(1, Math.round(requests / 10)),
      body: () => envelope(salesforce.orgId, 30_000 + n, 100),
      headers: () => ({ 'content-type': 'text/xml; charset=utf-8' }),
    },
  ];
  const runs: IngressRun[] = [];
  try {
    for (const target of targets) {
      await untilDrained(hub);
      const tracker = progress.track(`ingress: ${target.name}`, target.requests, 'requests');
      let answered = 0;
      const result = await autocannon({
        url: target.url,
        // autocannon refuses more connections than requests.
        connections: Math.min(connections, target.requests),
        amount: target.requests,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              n += 1;
              const body = target.body();
              return { ...request, body, headers: target.headers(body) };
            },
            onResponse: () => tracker.update((answered += 1)),
          },
        ],
      });
      tracker.stop();
      runs.push({
        name: target.name,
        requests: result.requests.total,
        connections: Math.min(connections, target.requests),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requestsPerSecond: result.requests.total / result.duration,
        failed: result.non2xx + result.errors,
      });
    }
    await untilDrained(hub);
  } finally {
    await bench.stop();
  }
  return {
    name: 'ingress',
    table: [
      ...markdownTable(
        ['ingress route', 'requests', 'connections', 'p50 ms', 'p99 ms', 'requests/s', 'failed'],
        runs.map((run) => [
          run.name,
          run.requests,
          run.connections,
          run.p50Ms,
          run.p99Ms,
          run.requestsPerSecond,
          run.failed,
        ]),
      ),
      '',
      'autocannon runs in the bench process, beside the HTTP ingress and the emulators; the consumers ' +
        'drain the accepted work in their worker threads meanwhile.',
    ],
    figures: { runs },
    timelines: [],
    goals: [],
  };
}
