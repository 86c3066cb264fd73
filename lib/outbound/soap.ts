import type { HttpResult } from '../http/types.js';

/**
 * The acknowledgement Salesforce waits for, exactly as documented: anything else, or no answer
 * within 60 s, is redelivered (api sforce_api_om_outboundmessaging_listener).
 */
export const SOAP_ACK =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>' +
  '</soapenv:Body></soapenv:Envelope>';

const XML_HEADERS = { 'content-type': 'text/xml; charset=utf-8' };

/** `200` with the Ack: only once every notification of the message is on a queue. */
export function ackResponse(): HttpResult {
  return { statusCode: 200, headers: XML_HEADERS, body: SOAP_ACK };
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * A SOAP 1.1 fault. Salesforce redelivers whatever is not an Ack, whatever the status; the status
 * tells the hub's own alarms whose fault it was: 4xx the sender's (`soapenv:Client`), 5xx the hub's
 * (`soapenv:Server`). The message shows in Setup → Outbound Messages, so it says what to fix.
 */
export function faultResponse(statusCode: number, message: string, requestId?: string): HttpResult {
  const code = statusCode >= 500 ? 'soapenv:Server' : 'soapenv:Client';
  const detail = requestId ? ` (request ${escapeXml(requestId)})` : '';
  return {
    statusCode,
    headers: XML_HEADERS,
    body:
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>' +
      `<faultcode>${code}</faultcode><faultstring>${escapeXml(message)}${detail}</faultstring>` +
      '</soapenv:Fault></soapenv:Body></soapenv:Envelope>',
  };
}
