import type { EmulatorSpec } from '../common/emulator.js';
import { Router, type RouteHandler } from '../common/router.js';
import { genericErrorBody } from './errors.js';
import { guarded } from './limits.js';
import type { SalesforceOrg } from './org.js';
import { bulkRoutes } from './routes/bulk.js';
import { bulkQueryRoutes } from './routes/bulk-query.js';
import { collectionRoutes } from './routes/collections.js';
import { compositeRoutes } from './routes/composite.js';
import { inspectionRoutes, orgState } from './routes/inspect.js';
import { queryRoutes } from './routes/query.js';
import { sobjectRoutes } from './routes/sobjects.js';

/**
 * The emulator spec: the OAuth token endpoint plus the guarded REST, collections, composite, SOQL
 * and Bulk API 2.0 routes.
 */
export function salesforceSpec(org: SalesforceOrg): EmulatorSpec {
  const wrap = (handler: RouteHandler): RouteHandler =>
    guarded(handler, { auth: org.auth, usage: org.usage, random: () => org.random() });
  const router = new Router().add('POST', '/services/oauth2/token', 'oauth.token', (req) => org.auth.token(req));
  sobjectRoutes(router, org, wrap);
  collectionRoutes(router, org, wrap);
  compositeRoutes(router, org, wrap);
  queryRoutes(router, org, wrap);
  bulkRoutes(router, org, wrap);
  bulkQueryRoutes(router, org, wrap);
  return {
    name: 'salesforce',
    router,
    inspection: inspectionRoutes(org),
    state: () => orgState(org),
    errorBody: genericErrorBody,
    headers: () => org.usage.header(),
    reset: () => org.reset(),
    // URI + headers ≤ 16,384 bytes per REST call (help.salesforce.com 000386264).
    maxRequestHeadBytes: 16_384,
  };
}
