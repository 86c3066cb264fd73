import * as z from '../zod-mini.js';
import type { OutgoingMessage } from '../clients/queue-gateway.js';
import { TermsAcceptance } from './acceptance.js';

/** On the salesforce queue: record one acceptance as evidence, then put it on the timeline. */
export const TermsRecordIntent = z.object({ type: z.literal('terms.record'), acceptance: TermsAcceptance });
export type TermsRecordIntent = z.infer<typeof TermsRecordIntent>;

export function toTermsMessage(acceptance: TermsAcceptance): OutgoingMessage {
  const intent: z.input<typeof TermsRecordIntent> = { type: 'terms.record', acceptance };
  return { body: JSON.stringify(intent), attributes: { intent: intent.type, acceptance_id: acceptance.acceptance_id } };
}
