import type { RouteHandler, SandboxRequest, SandboxResponse } from '../common/router.js';
import type { MixpanelProject } from './project.js';
import { RATE_LIMIT_MESSAGE } from './responses.js';

/** Distinct ids one deletion request takes (docs.mixpanel.com privacy/end-user-data-management). */
export const MAX_DELETION_IDS = 2000;
const COMPLIANCE_TYPES = ['GDPR', 'CCPA'] as const;

/** The API's error shape, `{"status":"error","error":…}` (openapi common/responses.yaml ErrorResponse). */
function gdprError(status: number, error: string): SandboxResponse {
  return { status, body: { status: 'error', error } };
}

/**
 * What every GDPR call checks first, in the order the API would: the bearer token (401), the
 * project token on the URL (400 missing, 403 another project's), then the request budget (429).
 */
function refusal(project: MixpanelProject, req: SandboxRequest): SandboxResponse | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? '').trim())?.[1];
  if (!bearer || !project.config.gdpr.oauthTokens.includes(bearer)) {
    return gdprError(401, 'Invalid or missing OAuth token: generate one under Data & Privacy settings');
  }
  const token = req.query.get('token');
  if (!token) return gdprError(400, 'token is a required query parameter');
  if (token !== project.config.projectToken) return gdprError(403, 'the token does not name a project you can manage');
  if (project.gdprLimiter && !project.gdprLimiter.tryAdmit(1)) {
    project.count('rateLimited');
    return gdprError(429, RATE_LIMIT_MESSAGE);
  }
  return undefined;
}

/** Why a deletion request body is refused, or its ids and compliance type. */
function readDeletion(
  req: SandboxRequest,
): { ok: true; distinctIds: string[]; complianceType: 'GDPR' | 'CCPA' } | { ok: false; error: string } {
  let body: unknown;
  try {
    body = req.json();
  } catch {
    return { ok: false, error: 'request body must be JSON' };
  }
  const { distinct_ids: ids, compliance_type: type = 'GDPR' } = (body ?? {}) as Record<string, unknown>;
  if (!Array.isArray(ids) || ids.length === 0) return { ok: false, error: 'distinct_ids must be a non-empty list' };
  if (ids.length > MAX_DELETION_IDS) {
    return { ok: false, error: `distinct_ids has ${ids.length} entries; at most ${MAX_DELETION_IDS} per request` };
  }
  if (!ids.every((id): id is string => typeof id === 'string' && id !== '')) {
    return { ok: false, error: 'each of distinct_ids must be a non-empty string' };
  }
  const complianceType = typeof type === 'string' ? type.toUpperCase() : '';
  if (!(COMPLIANCE_TYPES as readonly string[]).includes(complianceType)) {
    return { ok: false, error: `compliance_type must be GDPR or CCPA, not ${JSON.stringify(type)}` };
  }
  return { ok: true, distinctIds: [...new Set(ids)], complianceType: complianceType as 'GDPR' | 'CCPA' };
}

/** `POST /api/app/data-deletions/v3.0/?token=`: files a task; 201 `{"status":"ok","results":{"task_id":…}}`. */
export function createDeletionHandler(project: MixpanelProject): RouteHandler {
  return (req) => {
    const refused = refusal(project, req);
    if (refused) return refused;
    const request = readDeletion(req);
    if (!request.ok) return gdprError(400, request.error);
    const task = project.deletions.create(
      {
        distinct_ids: request.distinctIds,
        compliance_type: request.complianceType,
        requesting_user: project.config.gdpr.requestingUser,
        project_id: Number(project.config.projectId),
      },
      project.clock(),
    );
    return { status: 201, body: { status: 'ok', results: { task_id: task.tracking_id } } };
  };
}

/** `GET /api/app/data-deletions/v3.0/{tracking_id}?token=`: the task, PENDING then SUCCESS. */
export function deletionStatusHandler(project: MixpanelProject): RouteHandler {
  return (req) => {
    const refused = refusal(project, req);
    if (refused) return refused;
    const task = project.deletions.get(req.params.trackingId ?? '');
    if (!task) return gdprError(404, `no deletion task ${req.params.trackingId ?? ''} in this project`);
    return { status: 200, body: { status: 'ok', results: task } };
  };
}
