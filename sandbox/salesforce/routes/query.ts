import type { RouteHandler, Router, SandboxRequest, SandboxResponse } from '../../common/router.js';
import { restError } from '../errors.js';
import { limitsBody } from '../limits.js';
import type { SalesforceOrg } from '../org.js';
import { formatSoqlError, SoqlError } from '../soql/parser.js';
import { runSoql } from '../soql/run.js';

const BASE = '/services/data/:version';

function query(org: SalesforceOrg, req: SandboxRequest, includeDeleted: boolean): SandboxResponse {
  const soql = req.query.get('q');
  if (soql === null) return restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  try {
    return { status: 200, body: runSoql(org, soql, req.params.version ?? '', includeDeleted) };
  } catch (error) {
    if (error instanceof SoqlError) return restError(400, error.errorCode, formatSoqlError(soql, error));
    throw error;
  }
}

/** SOQL (`/query`, `/queryAll`, follow-up pages) and the `/limits` resource. */
export function queryRoutes(router: Router, org: SalesforceOrg, wrap: (handler: RouteHandler) => RouteHandler): void {
  router.add(
    'GET',
    `${BASE}/query`,
    'query',
    wrap((req) => query(org, req, false)),
  );
  router.add(
    'GET',
    `${BASE}/queryAll`,
    'queryAll',
    wrap((req) => query(org, req, true)),
  );
  const more = wrap((req) => {
    const page = org.cursors.more(req.params.locator ?? '', req.params.version ?? '');
    return page ? { status: 200, body: page } : restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  });
  router.add('GET', `${BASE}/query/:locator`, 'query.more', more);
  router.add('GET', `${BASE}/queryAll/:locator`, 'query.more', more);
  router.add(
    'GET',
    `${BASE}/limits`,
    'limits',
    wrap(() => {
      const records = Object.values(org.store.counts()).reduce((a, b) => a + b, 0);
      const bulk = { batchesUsed: org.jobs.batchesUsed, queryJobsCreated: org.queryJobs.created };
      return { status: 200, body: limitsBody(org.usage, bulk, records) };
    }),
  );
}
