import type { Random } from '../common/random.js';
import { Auth, type SandboxUser } from './auth.js';
import type { SalesforceSettings } from './config.js';
import { Dml } from './dml.js';
import { IdFactory, PREFIX, toId18 } from './ids.js';
import { ApiUsage } from './limits.js';
import type { Schema } from './schema.js';
import { RecordStore } from './store.js';
import { Cursors } from './soql/cursors.js';
import { IngestJobs } from './bulk/jobs.js';
import { QueryJobs } from './bulk/query-jobs.js';
import { OutboundMessenger } from './outbound/messenger.js';

/**
 * Everything one emulated org holds — schema, records, tokens, API usage, query cursors and bulk
 * ingest and query jobs — shared by the route modules.
 */
export class SalesforceOrg {
  readonly store: RecordStore;
  readonly ids = new IdFactory();
  readonly dml: Dml;
  readonly auth: Auth;
  readonly usage: ApiUsage;
  readonly users: SandboxUser[];
  readonly cursors: Cursors;
  readonly jobs: IngestJobs;
  readonly queryJobs: QueryJobs;
  readonly outbound: OutboundMessenger;
  unableToLockRowRate: number;
  private running: Random | undefined;

  constructor(
    readonly schema: Schema,
    readonly settings: SalesforceSettings,
    readonly now: () => Date,
    baseUrl: () => string,
  ) {
    this.store = new RecordStore(schema);
    // Users get ids from their own sequence so that resetting records keeps them stable.
    this.users = settings.users.map((username, i) => ({
      username,
      id: toId18(`${PREFIX.user}5g00000${String(i + 1).padStart(5, '0')}`),
    }));
    const userId = this.users[0]?.id ?? '';
    this.outbound = new OutboundMessenger(settings.outboundMessages, settings.outboundDelivery, {
      store: this.store,
      ids: this.ids,
      now,
      organizationId: settings.orgId,
      instanceUrl: baseUrl,
    });
    this.dml = new Dml({
      schema,
      store: this.store,
      ids: this.ids,
      now,
      userId,
      afterSave: (object, values, prior) => this.outbound.onSave(object, values, prior),
    });
    this.usage = new ApiUsage(settings);
    this.unableToLockRowRate = settings.unableToLockRowRate;
    this.auth = new Auth({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      ...(settings.jwt ? { jwt: settings.jwt } : {}),
      audiences: settings.audiences,
      users: this.users,
      accessTokens: settings.accessTokens,
      tokenTtlMs: settings.tokenTtlMs,
      orgId: settings.orgId,
      now,
      random: () => this.random().next(),
      instanceUrl: baseUrl,
    });
    this.cursors = new Cursors(this.ids, settings.queryPageSize);
    this.jobs = new IngestJobs(this, settings.bulkPollsInProgress);
    this.queryJobs = new QueryJobs(this, settings.bulkPollsInProgress, settings.bulkQueryPageSize);
  }

  /** The emulator's seeded random; set once the server is listening. */
  random(): Random {
    if (!this.running) throw new Error('The Salesforce emulator is not running');
    return this.running;
  }

  attach(random: Random): void {
    this.running = random;
  }

  /** Whether this collection/bulk record should fail with an injected row lock. */
  lockContention(): boolean {
    return this.unableToLockRowRate > 0 && this.random().next() < this.unableToLockRowRate;
  }

  /** Clears records, cursors, jobs and issued tokens; API usage returns to its configured start. */
  reset(): void {
    this.store.clear();
    this.ids.reset();
    this.cursors.clear();
    this.jobs.clear();
    this.queryJobs.clear();
    this.outbound.clear();
    this.auth.revokeIssued();
    this.usage.used = this.settings.apiUsage;
    this.usage.refused = 0;
  }
}
