import { MixpanelIntent } from '../../../lib/clients/mixpanel/intents.js';
import { mapNotifications } from '../../../lib/outbound/map.js';
import { parseOutboundMapping } from '../../../lib/outbound/mapping.js';

const mapping = parseOutboundMapping({
  rules: [
    {
      id: 'plan-changed',
      sObject: 'Account',
      when: { Plan__c: { in: ['pro', 'enterprise'] }, Owner_App_User_Id__c: { notEmpty: true } },
      distinctIdField: 'Owner_App_User_Id__c',
      profileSet: { plan: { field: 'Plan__c' }, seats: { field: 'Seats_Purchased__c', type: 'number' } },
      group: { key: 'account_id', idField: 'App_Account_Id__c', set: { plan: { field: 'Plan__c' } } },
    },
  ],
});

const account = (modstamp: string, plan = 'pro') => ({
  id: `04l5g00000Plan${modstamp.slice(11, 13)}AA`,
  sObjectType: 'Account',
  fields: {
    Id: '0015g00000Xy7ZaAAJ',
    App_Account_Id__c: 'acc_000001',
    Owner_App_User_Id__c: 'u_000001',
    Plan__c: plan,
    Seats_Purchased__c: '25',
    SystemModstamp: modstamp,
  },
});

describe('mapNotifications', () => {
  it("versions profile and group updates with the record's SystemModstamp, so older ones can be refused", () => {
    const mapped = mapNotifications([account('2026-04-01T10:00:00.000Z')], mapping);

    const intents = mapped.mixpanel.map(({ intent }) => MixpanelIntent.parse(intent));
    expect(intents).toEqual([
      {
        type: 'mixpanel.group',
        update: { groupKey: 'account_id', groupId: 'acc_000001', operation: '$set', values: { plan: 'pro' } },
        version: { key: 'Account/0015g00000Xy7ZaAAJ', modstamp: '2026-04-01T10:00:00.000Z' },
      },
      {
        type: 'mixpanel.profile',
        update: { distinctId: 'u_000001', operation: '$set', values: { plan: 'pro', seats: 25 }, ignoreTime: true },
        version: { key: 'Account/0015g00000Xy7ZaAAJ', modstamp: '2026-04-01T10:00:00.000Z' },
      },
    ]);
  });

  it('leaves notifications that meet no rule unmapped', () => {
    const mapped = mapNotifications([account('2026-04-01T10:00:00.000Z', 'free')], mapping);

    expect(mapped.mixpanel).toEqual([]);
    expect(mapped.unmatched).toBe(1);
  });

  it('refuses a notification without the fields its rule reads, naming the field and the rule', () => {
    const notification = account('2026-04-01T10:00:00.000Z');
    delete (notification.fields as Partial<typeof notification.fields>).Seats_Purchased__c;

    expect(() => mapNotifications([notification], mapping)).toThrow(
      /has no field Seats_Purchased__c, which rule "plan-changed" reads: add it to the outbound message's fields/,
    );
  });
});
