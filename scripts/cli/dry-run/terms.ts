/** The dry run of `POST /webhooks/terms`: the evidence records and the timeline of each acceptance. */
import type { SalesforceGateway } from '../../../lib/clients/salesforce/gateway.js';
import { evidenceHash, evidenceOf } from '../../../lib/terms/evidence-hash.js';
import { termsIntents } from '../../../lib/terms/events.js';
import { parseTermsWebhook } from '../../../lib/terms/ingress.js';
import { acceptanceRecord, TERMS_OBJECT } from '../../../lib/terms/record.js';
import { assignedId, emptyPlan, type DryRunPlan } from './plan.js';

const UNIQUE_FIELD = 'Acceptance_Id__c';

interface Stored extends Record<string, unknown> {
  Id: string;
  Acceptance_Id__c: string;
  Evidence_Hash__c: string | null;
}

/** Plans what the webhook and the salesforceWriter do with one body; throws the webhook's refusal. */
export async function planTerms(
  body: unknown,
  deps: { salesforce: Pick<SalesforceGateway, 'queryWhereIn'> },
): Promise<DryRunPlan> {
  const acceptances = parseTermsWebhook(body);
  const ids = acceptances.map((acceptance) => acceptance.acceptance_id);
  const plan = emptyPlan('terms', { status: 202, body: { accepted: acceptances.length, acceptanceIds: ids } });
  const stored = await deps.salesforce.queryWhereIn<Stored>(
    TERMS_OBJECT,
    ['Id', UNIQUE_FIELD, 'Evidence_Hash__c'],
    UNIQUE_FIELD,
    ids,
  );
  plan.reads.push(`Salesforce: ${TERMS_OBJECT} by ${UNIQUE_FIELD} (${ids.length})`);
  const byId = new Map(stored.map((record) => [record.Acceptance_Id__c, record]));

  for (const acceptance of acceptances) {
    const existing = byId.get(acceptance.acceptance_id);
    const same = existing !== undefined && existing.Evidence_Hash__c === evidenceHash(evidenceOf(acceptance));
    const index = plan.salesforce.length;
    plan.salesforce.push({
      operation: 'insert',
      object: TERMS_OBJECT,
      externalIdField: UNIQUE_FIELD,
      externalId: acceptance.acceptance_id,
      record: acceptanceRecord(acceptance, true),
      existingId: existing?.Id ?? null,
      outcome: !existing
        ? 'creates the evidence record'
        : same
          ? `no write: record ${existing.Id} holds the same evidence (a retry); its events are sent again`
          : `refused (EVIDENCE_CONFLICT, dead-lettered): record ${existing.Id} holds different evidence`,
    });
    if (existing && !same) continue;
    const recordId = existing?.Id ?? assignedId(`${TERMS_OBJECT} of ${acceptance.acceptance_id}`);
    for (const intent of termsIntents(acceptance, recordId)) {
      if (intent.type === 'mixpanel.event') {
        if (!existing)
          plan.processingTime.push({
            path: `mixpanel.events[${plan.mixpanel.events.length}].properties.salesforce_record_id`,
            value: `salesforce[${index}].Id`,
          });
        plan.mixpanel.events.push(intent.event);
      } else if (intent.type === 'mixpanel.profile') plan.mixpanel.profiles.push(intent.update);
    }
  }
  if (plan.salesforce.some((write) => !write.existingId))
    plan.notes.push(
      'Each record links its Contact and Account by external id; ' +
        'if either does not exist, it is written without links.',
    );
  return plan;
}
