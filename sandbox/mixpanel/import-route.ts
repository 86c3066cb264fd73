import type { RouteHandler } from '../common/router.js';
import { isImportAuthorized } from './auth.js';
import { parseImportBody } from './parse-body.js';
import type { MixpanelProject } from './project.js';
import { importError, importResult, RATE_LIMIT_MESSAGE, type FailedRecord } from './responses.js';
import { validateEvent } from './validate-event.js';

/**
 * `POST /import`. With `strict=1` every invalid record is reported in a 400 while the valid ones
 * are still imported; without it invalid records are dropped silently and a record without
 * `$insert_id` gets a generated one (reference/import-events "Validation", reference/event-deduplication).
 */
export function importHandler(project: MixpanelProject): RouteHandler {
  return (req) => {
    const { limits } = project.config;
    if (!isImportAuthorized(project.config, req.headers, req.query.get('project_id'))) {
      return importError(401, 'Invalid credentials');
    }
    // The byte cap is on the uncompressed body; gzip does not raise it (troubleshooting/errors/413-payload-too-large).
    if (req.body.length > limits.maxBodyBytes) {
      return importError(413, `request exceeds max limit of ${limits.maxBodyBytes} bytes`);
    }
    const parsed = parseImportBody(req);
    if (!parsed.ok) return importError(400, parsed.error);
    if (parsed.records.length === 0) return importError(400, 'request must contain at least one event');
    if (parsed.records.length > limits.maxEventsPerRequest) {
      return importError(413, `request exceeds max limit of ${limits.maxEventsPerRequest} events`);
    }
    // Rejected records count too: "do not retry validation errors, as they ... count toward the rate limit".
    if (!project.limiter.tryAdmit(parsed.records.length)) {
      project.count('rateLimited');
      return importError(429, RATE_LIMIT_MESSAGE);
    }

    const strict = req.query.get('strict') === '1';
    const now = project.clock();
    const failed: FailedRecord[] = [];
    let imported = 0;
    parsed.records.forEach((record, index) => {
      const result = validateEvent(record, limits, now, strict);
      if (!result.ok) {
        if (strict) failed.push({ index, insert_id: result.insertId, field: result.field, message: result.message });
        return;
      }
      if (project.events.add(result.value, now) === 'duplicate') project.count('duplicateRecords');
      imported += 1;
    });
    project.count('importedRecords', imported);
    project.count(strict ? 'failedRecords' : 'droppedRecords', parsed.records.length - imported);
    return importResult(imported, failed);
  };
}
