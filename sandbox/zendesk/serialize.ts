import {
  isoSeconds,
  type TicketPriority,
  type TicketRecord,
  type TicketStatus,
  type TicketType,
  type UserRecord,
  type UserRole,
} from './model.js';

/** A ticket in the REST API's JSON shape (api-reference/ticketing/tickets/tickets#json-format). */
export interface ZendeskTicket {
  url: string;
  id: number;
  external_id: string | null;
  via: { channel: string; source: { from: Record<string, never>; to: Record<string, never>; rel: null } };
  created_at: string;
  updated_at: string;
  type: TicketType | null;
  subject: string;
  raw_subject: string;
  description: string;
  priority: TicketPriority | null;
  status: TicketStatus;
  recipient: null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  group_id: number | null;
  collaborator_ids: number[];
  follower_ids: number[];
  email_cc_ids: number[];
  forum_topic_id: null;
  problem_id: null;
  has_incidents: boolean;
  is_public: boolean;
  due_at: null;
  tags: string[];
  custom_fields: { id: number; value: unknown }[];
  satisfaction_rating: null;
  sharing_agreement_ids: number[];
  fields: { id: number; value: unknown }[];
  followup_ids: number[];
  ticket_form_id: null;
  brand_id: null;
  allow_channelback: boolean;
  allow_attachments: boolean;
  from_messaging_channel: boolean;
}

/** A ticket as the incremental export sends it: with the timestamp the export is ordered by. */
export interface ZendeskExportedTicket extends ZendeskTicket {
  generated_timestamp: number;
}

/** A user in the REST API's JSON shape (api-reference/ticketing/users/users#json-format). */
export interface ZendeskUser {
  id: number;
  url: string;
  name: string;
  email: string | null;
  created_at: string;
  updated_at: string;
  time_zone: string;
  iana_time_zone: string;
  phone: null;
  shared_phone_number: null;
  photo: null;
  locale_id: number;
  locale: string;
  organization_id: number | null;
  role: UserRole;
  verified: boolean;
  external_id: string | null;
  tags: string[];
  alias: null;
  active: boolean;
  shared: boolean;
  shared_agent: boolean;
  last_login_at: null;
  two_factor_auth_enabled: boolean;
  signature: null;
  details: string;
  notes: string;
  role_type: null;
  custom_role_id: null;
  moderator: boolean;
  ticket_restriction: 'requested' | null;
  only_private_comments: boolean;
  restricted_agent: boolean;
  suspended: boolean;
  default_group_id: null;
  report_csv: boolean;
  user_fields: Record<string, unknown>;
}

/** Renders a stored ticket; `apiBase` is e.g. `http://127.0.0.1:4000/api/v2`. */
export function toTicketJson(ticket: TicketRecord, apiBase: string): ZendeskTicket {
  return {
    url: `${apiBase}/tickets/${ticket.id}.json`,
    id: ticket.id,
    external_id: ticket.external_id,
    via: { channel: ticket.channel, source: { from: {}, to: {}, rel: null } },
    created_at: isoSeconds(ticket.createdAt),
    updated_at: isoSeconds(ticket.updatedAt),
    type: ticket.type,
    subject: ticket.subject,
    raw_subject: ticket.subject,
    description: ticket.description,
    priority: ticket.priority,
    status: ticket.status,
    recipient: null,
    requester_id: ticket.requester_id,
    submitter_id: ticket.submitter_id,
    assignee_id: ticket.assignee_id,
    organization_id: ticket.organization_id,
    group_id: ticket.group_id,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: true,
    due_at: null,
    tags: [...ticket.tags],
    custom_fields: [],
    satisfaction_rating: null,
    sharing_agreement_ids: [],
    fields: [],
    followup_ids: [],
    ticket_form_id: null,
    brand_id: null,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

/** Renders a stored ticket for the incremental export. */
export function toExportedTicketJson(ticket: TicketRecord, apiBase: string): ZendeskExportedTicket {
  return { ...toTicketJson(ticket, apiBase), generated_timestamp: ticket.updatedAt };
}

/** Renders a stored user. */
export function toUserJson(user: UserRecord, apiBase: string): ZendeskUser {
  const endUser = user.role === 'end-user';
  return {
    id: user.id,
    url: `${apiBase}/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: isoSeconds(user.createdAt),
    updated_at: isoSeconds(user.updatedAt),
    time_zone: 'UTC',
    iana_time_zone: 'Etc/UTC',
    phone: null,
    shared_phone_number: null,
    photo: null,
    locale_id: 1,
    locale: 'en-US',
    organization_id: user.organization_id,
    role: user.role,
    verified: true,
    external_id: user.external_id,
    tags: [...user.tags],
    alias: null,
    active: true,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: false,
    signature: null,
    details: '',
    notes: '',
    role_type: null,
    custom_role_id: null,
    moderator: false,
    ticket_restriction: endUser ? 'requested' : null,
    only_private_comments: false,
    restricted_agent: endUser,
    suspended: false,
    default_group_id: null,
    report_csv: false,
    user_fields: {},
  };
}
