/** A Zendesk user as the hub needs it: enough to match a requester to an app user. */
export interface ZendeskUserSummary {
  id: number;
  email: string | null;
  /** The app's user id when the Zendesk user carries one (`external_id`). */
  externalId: string | null;
  name: string;
  organizationId: number | null;
}

/** A ticket's current state, from the Tickets API or the incremental export (same shape). */
export interface ZendeskTicketRecord {
  id: number;
  subject: string | null;
  status: string;
  priority: string | null;
  type: string | null;
  tags: string[];
  requesterId: number;
  organizationId: number | null;
  /** `via.channel`, e.g. `web`, `email`, `api`. */
  channel: string | null;
  createdAt: string;
  updatedAt: string;
  /** The ticket's API URL as Zendesk gives it. */
  url: string;
}

/** One page of the cursor-based incremental ticket export. */
export interface ExportPage {
  tickets: ZendeskTicketRecord[];
  /** Where the next request starts; at `endOfStream` it is where the next incremental sync starts. */
  afterCursor: string | null;
  endOfStream: boolean;
}

/** What the hub reads from Zendesk. Failures are `RetryableError` or `PermanentError`. */
export interface ZendeskGateway {
  /** users/show_many, ≤ 100 ids per call, deduped; unknown ids are simply absent. */
  usersByIds(ids: readonly number[]): Promise<Map<number, ZendeskUserSummary>>;
  /** One page of the incremental cursor ticket export: from a start time (unix s) or a cursor. */
  exportTickets(from: { startTime: number } | { cursor: string }): Promise<ExportPage>;
}
