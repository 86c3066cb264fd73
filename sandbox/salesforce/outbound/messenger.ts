import { toId18, type IdFactory } from '../ids.js';
import type { ObjectDef } from '../schema.js';
import type { RecordStore, Value } from '../store.js';
import type { OutboundDelivery as DeliverySettings, OutboundMessageRule } from '../config.js';
import { outboundEnvelope } from './envelope.js';

/** Salesforce puts at most 100 notifications in one message. */
const MAX_NOTIFICATIONS = 100;
// The documented listener answer; anything else is a failed delivery (api sforce_api_om_outboundmessaging_listener).
const ACK = /<notificationsResponse[^>]*>\s*<Ack>\s*true\s*<\/Ack>\s*<\/notificationsResponse>/;

/** One attempt to deliver a message, for inspection. */
export interface DeliveryAttempt {
  at: string;
  status: number | 'error';
  acked: boolean;
}

/** A message Salesforce owes an endpoint: its notifications and how delivering it went. */
export interface OutboundDeliveryView {
  rule: string;
  endpointUrl: string;
  notificationIds: string[];
  recordIds: string[];
  state: 'pending' | 'acked' | 'expired';
  attempts: DeliveryAttempt[];
}

interface Delivery extends OutboundDeliveryView {
  firstAt: number;
  ruleIndex: number;
  types: string[];
  timer?: NodeJS.Timeout;
}

export interface MessengerContext {
  store: RecordStore;
  ids: IdFactory;
  now: () => Date;
  organizationId: string;
  instanceUrl: () => string;
}

const holds = (when: OutboundMessageRule['when'], values: Record<string, Value> | undefined): boolean =>
  values !== undefined && Object.entries(when).every(([field, wanted]) => (values[field] ?? null) === wanted);

/**
 * Outbound messages of the emulated org: a save that makes a record meet a rule's criteria queues a
 * notification; notifications saved close together travel in one message (≤ 100); a message is
 * redelivered with growing back-off until the endpoint acks it or it expires (24 h in Salesforce).
 * Each attempt sends the record's current field values, as Salesforce does.
 */
export class OutboundMessenger {
  private readonly deliveries: Delivery[] = [];
  private queued: Array<{ ruleIndex: number; notificationId: string; recordId: string; type: string }> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly rules: readonly OutboundMessageRule[],
    private readonly timing: DeliverySettings,
    private readonly ctx: MessengerContext,
  ) {}

  /** The Dml hook: queue a notification for every rule the save makes the record meet. */
  onSave(object: ObjectDef, values: Record<string, Value>, prior: Record<string, Value> | undefined): void {
    this.rules.forEach((rule, ruleIndex) => {
      if (rule.object.toLowerCase() !== object.name.toLowerCase() || !holds(rule.when, values)) return;
      if (rule.trigger === 'changed-to-meet' && holds(rule.when, prior)) return;
      this.queued.push({
        ruleIndex,
        notificationId: this.ctx.ids.next('04l'),
        recordId: String(values.Id),
        type: object.name,
      });
    });
    if (this.queued.length > 0 && !this.flushTimer && !this.stopped)
      this.flushTimer = setTimeout(() => this.flush(), this.timing.batchWindowMs);
  }

  views(): OutboundDeliveryView[] {
    return this.deliveries.map(({ rule, endpointUrl, notificationIds, recordIds, state, attempts }) => ({
      rule,
      endpointUrl,
      notificationIds: [...notificationIds],
      recordIds: [...recordIds],
      state,
      attempts: [...attempts],
    }));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    for (const delivery of this.deliveries) clearTimeout(delivery.timer);
  }

  clear(): void {
    for (const delivery of this.deliveries) clearTimeout(delivery.timer);
    this.deliveries.length = 0;
    this.queued = [];
  }

  private flush(): void {
    this.flushTimer = undefined;
    const queued = this.queued;
    this.queued = [];
    this.rules.forEach((rule, ruleIndex) => {
      const own = queued.filter((item) => item.ruleIndex === ruleIndex);
      for (let i = 0; i < own.length; i += MAX_NOTIFICATIONS) {
        const chunk = own.slice(i, i + MAX_NOTIFICATIONS);
        const delivery: Delivery = {
          rule: rule.name,
          endpointUrl: rule.endpointUrl,
          notificationIds: chunk.map((item) => item.notificationId),
          recordIds: chunk.map((item) => item.recordId),
          types: chunk.map((item) => item.type),
          state: 'pending',
          attempts: [],
          firstAt: Date.now(),
          ruleIndex,
        };
        this.deliveries.push(delivery);
        void this.attempt(delivery);
      }
    });
  }

  private body(delivery: Delivery): string {
    const rule = this.rules[delivery.ruleIndex];
    const fields = ['Id', ...(rule?.fields ?? []).filter((name) => name !== 'Id')];
    return outboundEnvelope(
      {
        organizationId: this.ctx.organizationId,
        // One action id per outbound message definition, stable across runs.
        actionId: toId18(`04k5g0${String(delivery.ruleIndex + 1).padStart(9, '0')}`),
        instanceUrl: this.ctx.instanceUrl(),
        apiVersion: '62.0',
      },
      delivery.notificationIds.map((id, i) => {
        const values = this.ctx.store.get(delivery.recordIds[i] ?? '')?.values ?? {};
        return { id, sObjectType: delivery.types[i] ?? '', fields: fields.map((name) => [name, values[name]]) };
      }),
    );
  }

  private async attempt(delivery: Delivery): Promise<void> {
    if (this.stopped) return;
    let status: number | 'error' = 'error';
    let acked = false;
    try {
      const response = await fetch(delivery.endpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body: this.body(delivery),
        signal: AbortSignal.timeout(this.timing.timeoutMs),
      });
      status = response.status;
      acked = response.status === 200 && ACK.test(await response.text());
    } catch {
      // A refused connection or a timeout is a failed attempt like any other.
    }
    delivery.attempts.push({ at: this.ctx.now().toISOString(), status, acked });
    if (acked) {
      delivery.state = 'acked';
      return;
    }
    const delay = Math.min(
      this.timing.maxRetryIntervalMs,
      this.timing.firstRetryMs * 2 ** (delivery.attempts.length - 1),
    );
    if (Date.now() + delay - delivery.firstAt > this.timing.expireAfterMs) {
      delivery.state = 'expired';
      return;
    }
    if (!this.stopped) delivery.timer = setTimeout(() => void this.attempt(delivery), delay);
  }
}
