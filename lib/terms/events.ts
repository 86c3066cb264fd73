import { insertId } from '../clients/mixpanel/insert-id.js';
import type { MixpanelIntent } from '../clients/mixpanel/intents.js';
import type { TermsAcceptance } from './acceptance.js';

/**
 * The timeline event and the profile update of a recorded acceptance: two Mixpanel records, so a
 * thousand acceptances fit one `/import` and one `/engage` call. `/engage` takes one operation per
 * update, so the profile gets one `$set` of the current terms and when they were accepted; the
 * first acceptance is the first `Terms Accepted` event of the user. The IP is kept as
 * `accepted_ip`: Mixpanel geolocates and drops a property named `ip`.
 */
export function termsIntents(acceptance: TermsAcceptance, recordId: string): MixpanelIntent[] {
  return [
    {
      type: 'mixpanel.event',
      event: {
        event: 'Terms Accepted',
        properties: {
          time: Date.parse(acceptance.accepted_at),
          distinct_id: acceptance.user_id,
          $insert_id: insertId('terms', acceptance.acceptance_id),
          source: 'app',
          acceptance_id: acceptance.acceptance_id,
          terms_version: acceptance.terms_version,
          accepted_ip: acceptance.ip,
          user_agent: acceptance.user_agent,
          terms_url: acceptance.terms_url ?? null,
          terms_sha256: acceptance.terms_sha256 ?? null,
          account_id: acceptance.account_id,
          salesforce_record_id: recordId,
        },
      },
    },
    {
      type: 'mixpanel.profile',
      update: {
        distinctId: acceptance.user_id,
        operation: '$set',
        values: { terms_version: acceptance.terms_version, terms_accepted_at: acceptance.accepted_at },
      },
    },
  ];
}
