import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as z from '../zod-mini.js';
import { HttpError } from '../errors.js';

/** One notification of an outbound message: the record's fields as Salesforce sent them (text, or null). */
export interface Notification {
  /** The notification id (`04l…`): the same on every redelivery of this change. */
  id: string;
  /** The sObject type, from `xsi:type="sf:Opportunity"`. */
  sObjectType: string;
  /** Field API name → value; `xsi:nil` fields are null. Always holds `Id`. */
  fields: Record<string, string | null>;
}

/** An outbound message: the org and action that sent it, and its 1–100 notifications. */
export interface OutboundMessage {
  organizationId: string;
  actionId: string;
  notifications: Notification[];
}

/** Salesforce sends at most 100 notifications per message (api sforce_api_om_outboundmessaging_wsdl). */
export const MAX_NOTIFICATIONS = 100;

// No DTD means no entity can be declared, so nothing can expand (XXE, billion laughs): refused
// before any parser sees the text. Salesforce never sends one.
const DTD = /<!\s*(DOCTYPE|ENTITY)/i;

// Entities stay as written (`processEntities: false`); the five predefined ones and character
// references are decoded below, which is all XML without a DTD can contain.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  isArray: (_name, jpath) => String(jpath) === 'Envelope.Body.notifications.Notification',
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi;

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    REFERENCE,
    (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (name) return PREDEFINED[name.toLowerCase()] ?? whole;
      const code = hex ? parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
    },
  );
}

const Nil = z.pipe(
  z.object({ '@_nil': z.literal('true') }),
  z.transform(() => null),
);
const Text = z.pipe(z.string(), z.transform(decode));
const FieldValue = z.union([Text, Nil]);
const SObject = z.catchall(
  z.object({ '@_type': z.string().check(z.regex(/^sf:\w+$/, 'must be xsi:type="sf:<sObject>"')), Id: Text }),
  z.unknown(),
);

const Envelope = z.object({
  Envelope: z.object({
    Body: z.object({
      notifications: z.object({
        OrganizationId: Text,
        ActionId: Text,
        Notification: z
          .array(z.object({ Id: Text, sObject: SObject }))
          .check(z.minLength(1), z.maxLength(MAX_NOTIFICATIONS)),
      }),
    }),
  }),
});

/**
 * Reads the SOAP envelope of an outbound message (api sforce_api_om_outboundmessaging_wsdl).
 * A DTD, malformed XML or a missing part is a 400 naming what is wrong; nothing is expanded.
 */
export function parseOutboundMessage(xml: string): OutboundMessage {
  if (DTD.test(xml)) throw new HttpError(400, 'XML with a DOCTYPE or ENTITY declaration is refused');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new HttpError(400, `Malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const parsed = Envelope.safeParse(parser.parse(xml));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('/') ?? '';
    throw new HttpError(400, `Not an outbound message envelope: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const { OrganizationId, ActionId, Notification } = parsed.data.Envelope.Body.notifications;
  return {
    organizationId: OrganizationId,
    actionId: ActionId,
    notifications: Notification.map((notification, index) => ({
      id: notification.Id,
      sObjectType: notification.sObject['@_type'].slice('sf:'.length),
      fields: fieldsOf(notification.sObject, index),
    })),
  };
}

function fieldsOf(sObject: Record<string, unknown>, index: number): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const [name, raw] of Object.entries(sObject)) {
    if (name.startsWith('@_')) continue;
    const value = FieldValue.safeParse(raw);
    if (!value.success) throw new HttpError(400, `Notification ${index + 1}: field ${name} is not a single text value`);
    fields[name] = value.data;
  }
  return fields;
}
