import type { Value } from '../store.js';

/** One notification as Salesforce writes it: its id, the record's type and the chosen fields' current values. */
export interface OutboundNotification {
  id: string;
  sObjectType: string;
  /** Field API name → value, `Id` first. */
  fields: Array<[string, Value | undefined]>;
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** SOAP's xsd:dateTime is UTC with `Z`; the REST form the store keeps ends in `+0000`. */
const soapValue = (value: Value): string => (typeof value === 'string' ? value.replace(/\+0000$/, 'Z') : String(value));

function fieldXml([name, value]: [string, Value | undefined]): string {
  return value === null || value === undefined
    ? `<sf:${name} xsi:nil="true"/>`
    : `<sf:${name}>${escapeXml(soapValue(value))}</sf:${name}>`;
}

/**
 * The SOAP envelope of an outbound message as Salesforce sends it (api sforce_api_om_outboundmessaging_wsdl,
 * _notifications): the outbound namespace, a nil SessionId when the session is not included, and each
 * notification's sObject typed `sf:<Type>` in the enterprise namespace.
 */
export function outboundEnvelope(
  message: { organizationId: string; actionId: string; instanceUrl: string; apiVersion: string },
  notifications: readonly OutboundNotification[],
): string {
  const org15 = message.organizationId.slice(0, 15);
  const body = notifications
    .map(
      (notification) =>
        `\n   <Notification>\n    <Id>${notification.id}</Id>\n` +
        `    <sObject xsi:type="sf:${notification.sObjectType}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\n` +
        notification.fields.map((field) => `     ${fieldXml(field)}\n`).join('') +
        '    </sObject>\n   </Notification>',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    ' <soapenv:Body>\n  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">\n' +
    `   <OrganizationId>${message.organizationId}</OrganizationId>\n` +
    `   <ActionId>${message.actionId}</ActionId>\n` +
    '   <SessionId xsi:nil="true"/>\n' +
    `   <EnterpriseUrl>${message.instanceUrl}/services/Soap/c/${message.apiVersion}/${org15}</EnterpriseUrl>\n` +
    `   <PartnerUrl>${message.instanceUrl}/services/Soap/u/${message.apiVersion}/${org15}</PartnerUrl>` +
    `${body}\n  </notifications>\n </soapenv:Body>\n</soapenv:Envelope>\n`
  );
}
