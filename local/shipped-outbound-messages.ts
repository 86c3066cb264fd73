import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { OutboundMapping } from '../lib/outbound/mapping.js';
import type { OutboundMessageRule } from '../sandbox/salesforce/config.js';

/**
 * The outbound messages shipped in `salesforce/` (their object, name and fields) as rules of the
 * emulated org, sent to `endpointUrl`. The flows that send them in a real org are not read: each
 * fires when the record comes to meet the equality conditions the shipped mapping has for its
 * object, which the flows state too. So `npm start` runs the whole loop: a record saved in the
 * emulated org, its outbound message, the hub, Mixpanel.
 */
export function shippedOutboundMessages(
  root: string,
  mapping: OutboundMapping,
  endpointUrl: string,
): OutboundMessageRule[] {
  const folder = resolve(root, 'salesforce/force-app/main/default/workflows');
  const parser = new XMLParser({ isArray: (name) => name === 'fields' || name === 'outboundMessages' });
  return readdirSync(folder)
    .filter((file) => file.endsWith('.workflow-meta.xml'))
    .flatMap((file) => {
      const object = file.slice(0, -'.workflow-meta.xml'.length);
      const parsed = parser.parse(readFileSync(resolve(folder, file), 'utf8')) as {
        Workflow?: { outboundMessages?: Array<{ fullName: string; fields?: string[] }> };
      };
      const rule = mapping.rules.find((candidate) => candidate.sObject === object);
      const when = Object.fromEntries(
        Object.entries(rule?.when ?? {}).flatMap(([field, condition]) =>
          'equals' in condition && condition.equals !== undefined ? [[field, condition.equals]] : [],
        ),
      );
      return (parsed.Workflow?.outboundMessages ?? []).map((message) => ({
        name: message.fullName,
        object,
        endpointUrl,
        fields: (message.fields ?? []).filter((field) => field !== 'Id'),
        when,
        trigger: 'changed-to-meet' as const,
      }));
    });
}
