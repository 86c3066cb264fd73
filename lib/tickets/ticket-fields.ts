import * as z from '../zod-mini.js';
import { isPlaceholderId, keepWholeItems, truncate } from '../fields.js';
import { blankToNull } from './ticket-change.js';

/**
 * The fields of Zendesk's webhook bodies, each with the limits of where it ends: a Case field in
 * Salesforce (salesforce/ metadata, Case.Subject 255) or a Mixpanel event property. Ids and
 * enumerations that are wrong are refused; free text that is merely long is cut to fit.
 */

/** Zendesk ids are 64-bit integers. */
const MAX_ZENDESK_ID = 2n ** 63n - 1n;
/** Case.Subject is a standard Text(255) field. */
const SUBJECT_LENGTH = 255;
/** Case.Zendesk_Tags__c is a LongTextArea(32768). */
const TAGS_LENGTH = 32768;
/** Contact.App_User_Id__c and Account.App_Account_Id__c are Text(255). */
const APP_ID_LENGTH = 255;
/** The longest address SMTP can carry (RFC 5321 §4.5.3.1.3); longer cannot be a real one. */
const EMAIL_LENGTH = 254;
/** Case.Origin is a picklist: values of at most 40 characters. */
const CHANNEL_LENGTH = 40;

const text = z.pipe(
  z.nullish(z.union([z.string(), z.number()], { error: 'must be text' })),
  z.transform((value: string | number | null | undefined) =>
    blankToNull(value === undefined || value === null ? null : String(value)),
  ),
);

/**
 * A Zendesk id in canonical form: digits without leading zeros, so "000710061" and 710061 name one
 * ticket. A JSON number beyond 2^53 has already lost digits when it is parsed: it is refused.
 */
function canonicalId(value: string | number, ctx: { issues: z.core.$ZodRawIssue[] }): string {
  const fail = (message: string): never => {
    ctx.issues.push({ code: 'custom', message, input: value });
    return z.NEVER;
  };
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    return Number.isInteger(value)
      ? fail(`${value} is a JSON number above 2^53, where digits are lost: send the id as a string`)
      : fail('must be a whole number');
  const digits = String(value).trim();
  if (!/^\d+$/.test(digits)) return fail('must be a numeric Zendesk id');
  const canonical = digits.replace(/^0+/, '');
  if (canonical === '') return fail('0 is not a Zendesk id');
  if (canonical.length > 19 || BigInt(canonical) > MAX_ZENDESK_ID)
    return fail(`must be at most ${MAX_ZENDESK_ID} (Zendesk ids are 64-bit integers)`);
  return canonical;
}

export const zendeskId = z.pipe(
  z.union([z.string(), z.number()], { error: 'must be a numeric Zendesk id' }),
  z.transform(canonicalId),
);

/** A Zendesk id that a trigger placeholder may render empty. */
export const optionalZendeskId = z.pipe(
  text,
  z.transform((value: string | null, ctx) => (value === null ? null : canonicalId(value, ctx))),
);

/** Free text cut to Case.Subject's 255 characters, with a visible marker. */
export const subject = z.pipe(
  text,
  z.transform((value: string | null) => (value === null ? null : truncate(value, SUBJECT_LENGTH))),
);

/** An enumeration: event payloads send `HIGH`, trigger placeholders `High`, and an unset one `` or `-`. */
function choice(values: readonly string[]) {
  return z.pipe(
    text,
    z
      .pipe(
        z.nullable(z.string()),
        z.transform((value: string | null) => (value === null || value === '-' ? null : value.toLowerCase())),
      )
      .check(
        z.refine((value) => value === null || values.includes(value), `must be one of ${values.join(', ')} (or empty)`),
      ),
  );
}
export const priority = choice(['urgent', 'high', 'normal', 'low']);
export const ticketType = choice(['problem', 'incident', 'question', 'task']);

// `{{ticket.via}}` renders a label ("Web form", "Mail"); events and the REST API use channel names
// ("web_form" in events, "web" in the REST API): every spelling of one channel becomes its REST name.
const CHANNEL_ALIASES: Record<string, string> = { web_form: 'web', mail: 'email', web_service: 'api' };

/** A channel name (`web`, `email`, `api`, `web_widget`...) from either spelling. */
export const channel = z.pipe(
  text,
  z
    .pipe(
      z.nullable(z.string()),
      z.transform((value: string | null) => {
        if (value === null) return null;
        const name = value
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '_')
          .replace(/^_|_$/g, '');
        return CHANNEL_ALIASES[name] ?? (name || null);
      }),
    )
    .check(
      z.refine(
        (value) => value === null || value.length <= CHANNEL_LENGTH,
        `must be a Zendesk channel name of at most ${CHANNEL_LENGTH} characters`,
      ),
    ),
);

/**
 * Tags, from a list (events) or a space-separated placeholder (triggers): as many whole tags as fit
 * Case.Zendesk_Tags__c once joined with spaces, the last one the truncation marker when some did not.
 */
export const tags = z.pipe(
  z.nullish(
    z.union([z.array(z.string()), z.string()], { error: 'must be a list of tags, or tags separated by spaces' }),
  ),
  z.transform((value: string[] | string | null | undefined) => {
    const list = typeof value === 'string' ? value.split(/\s+/) : (value ?? []);
    return keepWholeItems(list.map((tag) => tag.trim()).filter(Boolean), TAGS_LENGTH);
  }),
);

/** Text where Mixpanel's placeholder ids ("null", "0", "anon"...) mean there is none, of at most `length`. */
const unlessPlaceholder = (length: number) =>
  z
    .pipe(
      text,
      z.transform((value: string | null) => (value === null || isPlaceholderId(value) ? null : value)),
    )
    .check(z.refine((value) => value === null || value.length <= length, `must be at most ${length} characters`));

/** The requester's app user id; Mixpanel's placeholder ids ("null", "0", "anon"...) mean there is none. */
export const externalId = unlessPlaceholder(APP_ID_LENGTH);

/** The requester's email: a placeholder means none; longer than SMTP allows cannot be an address. */
export const email = unlessPlaceholder(EMAIL_LENGTH);

/** The organization's `external_id` (the app's account id), linked through Account.App_Account_Id__c. */
export const accountExternalId = text.check(
  z.refine((value) => value === null || value.length <= APP_ID_LENGTH, `must be at most ${APP_ID_LENGTH} characters`),
);
