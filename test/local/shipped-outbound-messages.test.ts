import { resolve } from 'node:path';
import shippedMapping from '../../config/outbound-mapping.json' with { type: 'json' };
import { parseOutboundMapping } from '../../lib/outbound/mapping.js';
import { shippedOutboundMessages } from '../../local/shipped-outbound-messages.js';

describe('the emulated org’s outbound messages under npm start', () => {
  it('are the shipped ones, sent to the hub, when a record comes to meet the mapping’s conditions', () => {
    const rules = shippedOutboundMessages(
      resolve(import.meta.dirname, '../..'),
      parseOutboundMapping(shippedMapping, 'config'),
      'http://127.0.0.1:3000/x',
    );

    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Switchboard_Opportunity_Closed_Won',
          object: 'Opportunity',
          endpointUrl: 'http://127.0.0.1:3000/x',
          when: { StageName: 'Closed Won' },
          fields: expect.arrayContaining(['AccountId', 'Amount', 'StageName', 'SystemModstamp']),
        }),
        expect.objectContaining({
          name: 'Switchboard_Case_Refund_Requested',
          object: 'Case',
          when: { Type: 'Refund' },
          fields: expect.arrayContaining(['Contact_App_User_Id__c', 'Type']),
        }),
      ]),
    );
    expect(rules).toHaveLength(2);
  });
});
