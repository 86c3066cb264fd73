import type { MixpanelEmulator } from '../../sandbox/mixpanel/index.js';
import type { SalesforceEmulator } from '../../sandbox/salesforce/index.js';
import type { SoakOptions } from './options.js';

const BURST_PERIOD_MS = 15_000;

/** What the fault schedule did, for the report. */
export interface FaultLog {
  outage?: { from: string; to: string };
  mixpanelBursts: number;
  tokenRevocations: number;
}

/**
 * Injects the run's faults into the emulators: a steady share of Salesforce 5xx, one Salesforce
 * outage, Mixpanel 429 bursts and Salesforce token revocations, until `stop()`.
 */
export function startFaults(
  options: SoakOptions,
  emulators: { salesforce: SalesforceEmulator; mixpanel: MixpanelEmulator },
  outageAt: number,
): { log: FaultLog; stop(): void } {
  const log: FaultLog = { mixpanelBursts: 0, tokenRevocations: 0 };
  const timers: NodeJS.Timeout[] = [];
  const outage =
    options.outageSeconds > 0 ? { from: outageAt, to: outageAt + options.outageSeconds * 1000 } : undefined;
  if (outage) log.outage = { from: new Date(outage.from).toISOString(), to: new Date(outage.to).toISOString() };
  emulators.salesforce.setFaults({ errorRate: options.salesforceErrorRate, ...(outage ? { outage } : {}) });

  if (options.mixpanel429Seconds > 0) {
    timers.push(
      setInterval(() => {
        log.mixpanelBursts += 1;
        emulators.mixpanel.setFaults({ errorRate: 1, errorStatus: 429 });
        timers.push(setTimeout(() => emulators.mixpanel.setFaults({}), options.mixpanel429Seconds * 1000));
      }, BURST_PERIOD_MS),
    );
  }
  if (options.tokenRevokeSeconds > 0) {
    timers.push(
      setInterval(() => {
        log.tokenRevocations += 1;
        emulators.salesforce.revokeTokens();
      }, options.tokenRevokeSeconds * 1000),
    );
  }
  return {
    log,
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      emulators.salesforce.setFaults({});
      emulators.mixpanel.setFaults({});
    },
  };
}
