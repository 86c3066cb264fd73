import type { RunningHub } from '../local/hub.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, type Sandbox } from '../sandbox/launch.js';
import { hmacSignature } from '../lib/http/signature.js';
import type { Contact } from './tickets.js';
import { forEachConcurrently } from '../lib/concurrency.js';
import { contactFor, measureRelay, type ScenarioResult } from './tickets.js';

/** The body of acceptance `n`, as the app sends it. */
export function acceptanceBody(n: number, contact: Contact): string {
  return JSON.stringify({
    acceptance_id: `bench-${n}`,
    user_id: contact.appUserId,
    email: contact.email,
    account_id: 'acc_000001',
    terms_version: '2026-01',
    accepted_at: '2026-11-20T09:15:00Z',
    ip: '203.0.113.7',
    user_agent: 'bench/1.0',
    terms_sha256: 'b'.repeat(64),
  });
}

/** The headers the app signs an acceptance `body` with, now. */
export function termsHeaders(body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'x-switchboard-timestamp': timestamp,
    'x-switchboard-signature': hmacSignature(SANDBOX_TERMS_WEBHOOK_SECRET, timestamp, body),
  };
}

/** Posts `records` signed acceptances one per request, as an app does, and counts the calls each API received. */
export async function relayTermsThroughHub(
  hub: RunningHub,
  sandbox: Sandbox,
  contacts: readonly Contact[],
  records: number,
  onProgress?: (done: number) => void,
): Promise<ScenarioResult> {
  const bodies = Array.from({ length: records }, (_, i) => acceptanceBody(i, contactFor(contacts, i)));
  return measureRelay(
    'hub: terms acceptances',
    hub,
    sandbox,
    records,
    () =>
      forEachConcurrently(bodies, 32, async (body) => {
        const response = await fetch(`${hub.url}/webhooks/terms`, {
          method: 'POST',
          headers: termsHeaders(body),
          body,
        });
        if (response.status !== 202)
          throw new Error(`Terms webhook answered ${response.status}: ${await response.text()}`);
      }),
    onProgress,
  );
}
