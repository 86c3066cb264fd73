import { Router } from '../../common/router.js';
import type { SalesforceOrg } from '../org.js';

/** The state snapshot of `GET /__sandbox/state`: records per object, API usage, tokens and jobs. */
export function orgState(org: SalesforceOrg) {
  return {
    objects: org.store.counts(),
    apiUsage: { used: org.usage.used, max: org.usage.max, inFlight: org.usage.inFlight },
    issuedTokens: org.auth.issuedCount(),
    ingestJobs: org.jobs
      .list()
      .map((job) => ({ id: job.id, object: job.object.name, operation: job.operation, state: job.state })),
    queryJobs: org.queryJobs
      .list()
      .map((job) => ({ id: job.id, object: job.object, operation: job.operation, state: job.state })),
  };
}

/**
 * `GET /__sandbox/records/{Object}` (optionally `?field=&value=`): the records an object holds,
 * read-only and outside the API budget.
 */
export function inspectionRoutes(org: SalesforceOrg): Router {
  return new Router().add('GET', '/__sandbox/records/:object', 'inspect', (req) => {
    // The shared server hands inspection routes no path params, so the object comes from the path.
    const name = decodeURIComponent(req.path.split('/').filter(Boolean).pop() ?? '');
    const object = org.schema.object(name);
    if (!object) return { status: 404, body: { error: `Unknown object ${name}` } };
    const field = req.query.get('field');
    const value = req.query.get('value');
    let records = org.store.all(object.name);
    if (field !== null && value !== null) {
      const def = object.field(field);
      if (!def) return { status: 400, body: { error: `Unknown field ${object.name}.${field}` } };
      records = records.filter((r) => String(r.values[def.name] ?? '') === value);
    }
    return {
      status: 200,
      body: { object: object.name, totalSize: records.length, records: records.map((r) => ({ ...r.values })) },
    };
  });
}
