import shippedMapping from '../../../config/outbound-mapping.json' with { type: 'json' };
import { ConfigError } from '../../../lib/config.js';
import { parseOutboundMapping, parseOutboundMappingJson } from '../../../lib/outbound/mapping.js';

const rule = (overrides: Record<string, unknown>) => ({
  id: 'deal-won',
  sObject: 'Opportunity',
  fanOut: 'account',
  event: { name: 'Deal Won' },
  ...overrides,
});

function problemOf(raw: unknown): string {
  try {
    parseOutboundMapping(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the mapping to be refused');
}

describe('outbound mapping', () => {
  it('ships a valid default mapping for Opportunity and Case', () => {
    const mapping = parseOutboundMapping(shippedMapping);

    expect(mapping.rules.map((r) => [r.id, r.sObject])).toEqual([
      ['opportunity-closed-won', 'Opportunity'],
      ['case-refund-requested', 'Case'],
    ]);
  });

  it.each([
    [
      'a property field that is not an API name',
      rule({ event: { name: 'Deal Won', properties: { amount: { field: 'Opportunity.Amount' } } } }),
      'rule "deal-won" (rules[0]) event.properties.amount.field: must be a field API name',
    ],
    [
      'a property with both a field and a constant',
      rule({ event: { name: 'Deal Won', properties: { plan: { field: 'Plan__c', value: 'pro' } } } }),
      'rule "deal-won" (rules[0]) event.properties.plan: needs exactly one of "field"',
    ],
    [
      'a condition with two operators',
      rule({ when: { StageName: { equals: 'Closed Won', notEmpty: true } } }),
      'rule "deal-won" (rules[0]) when.StageName: needs exactly one of "equals", "in" or "notEmpty"',
    ],
    [
      'an unknown condition operator',
      rule({ when: { StageName: { changedTo: 'Closed Won' } } }),
      'rule "deal-won" (rules[0]) when.StageName: Unrecognized key: "changedTo"',
    ],
    [
      'an event with no user to put it on',
      rule({ fanOut: undefined }),
      'rule "deal-won" (rules[0]) distinctIdField: an event or profileSet needs exactly one of',
    ],
    [
      'a property the hub sets itself',
      rule({ profileSet: { source: { value: 'crm' } } }),
      'rule "deal-won" (rules[0]) profileSet.source: is set by the hub',
    ],
    [
      'a rule that does nothing',
      rule({ event: undefined }),
      'rule "deal-won" (rules[0]) event: a rule needs an event, a profileSet or a group',
    ],
  ])('refuses %s, naming the rule and the field', (_name, badRule, message) => {
    expect(problemOf({ rules: [badRule] })).toContain(message);
  });

  it('names the second of two rules with one id', () => {
    expect(problemOf({ rules: [rule({}), rule({})] })).toContain(
      'rule "deal-won" (rules[1]) id: is used by another rule',
    );
  });

  it('names a rule without an id by its position', () => {
    expect(problemOf({ rules: [rule({ id: undefined })] })).toContain('rules[0] id:');
  });

  it('says when the setting is not JSON at all', () => {
    expect(() => parseOutboundMappingJson('{rules:', 'OUTBOUND_MAPPING')).toThrow(
      /^Invalid OUTBOUND_MAPPING: not JSON/,
    );
  });
});
