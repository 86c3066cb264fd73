/** Zendesk webhook bodies as plain objects, shaped like the emulator's, for tests that bend one field. */

type Fields = Record<string, unknown>;

const hoursAgo = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();

/** An event-subscribed `ticket.created` body; `detail` overrides replace fields of the ticket. */
export function ticketEventBody(detail: Fields = {}, envelope: Fields = {}): Fields {
  const id = (detail.id as string | undefined) ?? '710061';
  return {
    type: 'zen:event-type:ticket.created',
    account_id: 22129848,
    id: '0a3c7c5e-1f2b-4c3d-8e4f-5a6b7c8d9e0f',
    time: hoursAgo(1).replace(/Z$/, '000000Z'),
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${id}`,
    detail: {
      actor_id: '9001',
      created_at: hoursAgo(2),
      id,
      priority: 'HIGH',
      requester_id: '9001',
      status: 'NEW',
      subject: 'Export to CSV fails',
      tags: ['billing', 'export'],
      type: 'QUESTION',
      updated_at: hoursAgo(1),
      via: { channel: 'email' },
      ...detail,
    },
    event: {},
    ...envelope,
  };
}

/** The README's trigger body as Zendesk renders it; each part's overrides replace its fields. */
export function ticketTriggerBody(
  ticket: Fields = {},
  requester: Fields = {},
  organization: Fields = { external_id: '' },
): Fields {
  const at = hoursAgo(1).replace(/:\d{2}\.\d{3}Z$/, 'Z');
  return {
    ticket: {
      id: '710061',
      external_id: '',
      subject: 'Export to CSV fails',
      status: 'New',
      priority: 'High',
      type: 'Question',
      via: 'Mail',
      tags: 'billing export',
      created_at: at,
      updated_at: at,
      ...ticket,
    },
    requester: {
      id: '9001',
      name: 'Ann Customer',
      email: 'ann@example.com',
      external_id: 'u_000001',
      ...requester,
    },
    organization,
  };
}
