/**
 * `npm run bench`: API calls and throughput of the hub against the sandbox emulators, next to a
 * naive one-call-per-record relay on the same emulators, in the same run. Offline; ~2 minutes.
 * `BENCH_RECORDS` (default 10000) sets the size of the hub scenarios; `BENCH_LATENCY_MS`
 * (default 20) the time each emulated API call takes, so fewer calls show as more throughput.
 * `BENCH_USAGE_USERS` (default 1000000, 0 skips it) sizes the nightly usage sync, one account per 20
 * users. `npm run bench -- --only relay|usage` runs one part.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub } from '../local/hub.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, startSandbox } from '../sandbox/launch.js';
import { latencyLine, measureOutboundIngress, type IngressLatency } from './outbound.js';
import { relayTermsThroughHub } from './terms.js';
import { benchUsageNights } from './usage-night.js';
import { emulators, relayNaively, relayThroughHub, type ScenarioResult } from './tickets.js';

const records = Number(process.env.BENCH_RECORDS ?? 10_000);
const naiveRecords = Math.min(1000, records);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const root = resolve(fileURLToPath(import.meta.url), '../..');

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'relay' && only !== 'usage')
  throw new Error(`--only takes relay or usage, not ${only}`);

if (only !== 'usage') await relayScenarios();

/** Tickets and terms through the hub in this process, beside a naive relay. */
async function relayScenarios(): Promise<void> {
  const sandbox = await startSandbox();
  const hub = await startHub({
    root,
    env: {
      ...sandbox.env,
      TERMS_WEBHOOK_SECRET: SANDBOX_TERMS_WEBHOOK_SECRET,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  const { salesforce, mixpanel, zendesk } = emulators(sandbox);
  const contacts = salesforce.seedAccountsWithContacts({ accounts: 400, contactsPerAccount: 5 }).contacts;
  for (const emulator of [salesforce, mixpanel, zendesk]) emulator.setLatency(latencyMs);

  const results: ScenarioResult[] = [];
  let outbound: IngressLatency | undefined;
  try {
    // Measured first, on idle emulators: the time to the Ack does not depend on the consumers.
    outbound = await measureOutboundIngress(hub, salesforce.orgId);
    results.push(
      await relayThroughHub('hub: tickets, requester with external id', hub, sandbox, contacts, {
        records,
        firstTicketId: 1,
        withExternalId: true,
      }),
    );
    results.push(
      await relayThroughHub('hub: tickets, requester by email only', hub, sandbox, contacts, {
        records,
        firstTicketId: 100_001,
        withExternalId: false,
      }),
    );
    results.push(await relayTermsThroughHub(hub, sandbox, contacts, Math.min(records, 5000)));
    results.push(
      await relayNaively('naive: one call per record (email)', sandbox, sandbox.env, contacts, {
        records: naiveRecords,
        firstTicketId: 200_001,
      }),
    );
  } finally {
    await hub.stop();
    await sandbox.stop();
  }

  const per1000 = (calls: number, n: number): string => ((calls * 1000) / n).toFixed(1);
  const rows = results.map((r) => {
    const salesforce = `${r.calls.salesforce} | ${per1000(r.calls.salesforce, r.records)}`;
    const mixpanel = `${r.calls.mixpanel} | ${per1000(r.calls.mixpanel, r.records)}`;
    const seconds = r.seconds.toFixed(1);
    const rate = (r.records / r.seconds).toFixed(0);
    return `| ${r.name} | ${r.records} | ${salesforce} | ${mixpanel} | ${r.calls.zendesk} | ${seconds} | ${rate} |`;
  });
  process.stdout.write(
    [
      '',
      '| scenario | records | Salesforce calls | per 1,000 | Mixpanel calls | per 1,000 | ' +
        'Zendesk calls | seconds | records/s |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      ...results.map((r) => `${r.name}: Salesforce calls by endpoint ${JSON.stringify(r.salesforceByEndpoint)}`),
      '',
      ...(outbound ? [latencyLine(outbound), ''] : []),
      `Every emulated API call takes ${latencyMs} ms. ` +
        'Hub times include the batching windows (5 s per queue) of serverless.yml, as in Lambda.',
      '',
    ].join('\n'),
  );
}

// The nightly usage sync runs the hub as a child process so that its peak memory is its own.
const usageUsers = Number(process.env.BENCH_USAGE_USERS ?? 1_000_000);
if (usageUsers > 0 && only !== 'relay') {
  const usage = await benchUsageNights({
    users: usageUsers,
    accounts: Math.max(4, Math.round(usageUsers / 20)),
    changedShare: 0.05,
    progress: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  process.stdout.write(
    [
      '| usage night | users | status | seconds | Salesforce calls | Mixpanel calls | profile updates sent | ' +
        'group updates sent |',
      '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
      ...usage.nights.map(
        (night) =>
          `| ${night.name} | ${night.users} | ${night.status} | ${night.seconds.toFixed(1)} | ` +
          `${night.salesforceCalls} | ${night.mixpanelCalls} | ${night.profileUpdatesSent} ` +
          `(${((100 * night.profileUpdatesSent) / night.users).toFixed(1)} %) | ${night.groupUpdatesSent} |`,
      ),
      '',
      `Peak RSS of the local hub (npm start, every function in it): ${usage.hubPeakRssMb} MB.`,
      '',
    ].join('\n'),
  );
}
