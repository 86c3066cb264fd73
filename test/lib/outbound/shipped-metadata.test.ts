import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import shippedMapping from '../../../config/outbound-mapping.json' with { type: 'json' };
import { parseOutboundMapping, type OutboundRule } from '../../../lib/outbound/mapping.js';

const WORKFLOWS = new URL('../../../salesforce/force-app/main/default/workflows/', import.meta.url);

/** The fields each shipped outbound message sends, by sObject. */
function outboundFields(sObject: string): string[] {
  const xml = readFileSync(new URL(`${sObject}.workflow-meta.xml`, WORKFLOWS), 'utf8');
  const parsed = new XMLParser({ isArray: (name) => name === 'fields' }).parse(xml) as {
    Workflow: { outboundMessages: { fields: string[] } };
  };
  return parsed.Workflow.outboundMessages.fields;
}

function fieldsRead(rule: OutboundRule): string[] {
  const fromValues = (properties: Record<string, { field?: string | undefined }> | undefined) =>
    Object.values(properties ?? {}).flatMap((source) => (source.field ? [source.field] : []));
  return [
    ...Object.keys(rule.when),
    ...(rule.distinctIdField ? [rule.distinctIdField] : []),
    ...(rule.fanOut ? [rule.accountIdField] : []),
    rule.versionField ?? 'SystemModstamp',
    ...fromValues(rule.event?.properties),
    ...fromValues(rule.profileSet),
  ];
}

describe('shipped outbound messages and mapping', () => {
  it.each(parseOutboundMapping(shippedMapping).rules.map((rule) => [rule.id, rule] as const))(
    'the outbound message sends every field rule %s reads',
    (_id, rule) => {
      const sent = outboundFields(rule.sObject);

      expect(fieldsRead(rule).filter((field) => !sent.includes(field))).toEqual([]);
    },
  );
});
