import { z } from 'zod';
import type { RouteHandler } from '../common/router.js';
import { GROUP_OPERATIONS, readOperation, USER_OPERATIONS } from './operations.js';
import { parseProfileBody, wantsVerbose } from './parse-body.js';
import type { MixpanelProject } from './project.js';
import { profileRateLimited, profileResult } from './responses.js';
import { isPlainObject } from './validate-event.js';

const id = z.union([z.string().min(1), z.number()]).transform(String);
const UserUpdate = z
  .looseObject({ $token: z.string().min(1), $distinct_id: id, $ignore_time: z.boolean().optional() })
  .transform((u) => ({
    token: u.$token,
    target: { kind: 'user' as const, distinctId: u.$distinct_id, ignoreTime: u.$ignore_time === true },
  }));
const GroupUpdate = z
  .looseObject({ $token: z.string().min(1), $group_key: z.string().min(1), $group_id: id })
  .transform((g) => ({
    token: g.$token,
    target: { kind: 'group' as const, groupKey: g.$group_key, groupId: g.$group_id },
  }));

export type ProfileKind = 'user' | 'group';

/**
 * `POST /engage` (user profiles) and `POST /groups` (group profiles). Answers 200 with `1` when at
 * least one update was valid, else `0`, even for bad data (reference/profile-batch-update).
 */
export function profileHandler(project: MixpanelProject, kind: ProfileKind): RouteHandler {
  return (req) => {
    const verbose = wantsVerbose(req);
    const parsed = parseProfileBody(req);
    if (!parsed.ok) return profileResult(false, parsed.error, verbose);
    const { limits } = project.config;
    const max = kind === 'user' ? limits.maxProfileUpdatesPerRequest : limits.maxGroupUpdatesPerRequest;
    if (parsed.records.length > max) {
      return profileResult(false, `request exceeds max limit of ${max} updates`, verbose, 413);
    }
    if (!project.limiter.tryAdmit(parsed.records.length)) {
      project.count('rateLimited');
      return profileRateLimited();
    }

    let firstError: string | null = null;
    let valid = 0;
    for (const update of parsed.records) {
      const error = applyUpdate(project, kind, update);
      if (error === undefined) valid += 1;
      else {
        firstError ??= error;
        project.count('invalidUpdates');
      }
    }
    return profileResult(valid > 0, firstError, verbose);
  };
}

/** Applies one update; returns why it is invalid, or undefined when it was accepted. */
function applyUpdate(project: MixpanelProject, kind: ProfileKind, update: unknown): string | undefined {
  if (!isPlainObject(update)) return 'each update must be a JSON object';
  if (Buffer.byteLength(JSON.stringify(update)) > project.config.limits.maxRecordBytes) {
    return `update exceeds max size of ${project.config.limits.maxRecordBytes} bytes`;
  }
  const identity = (kind === 'user' ? UserUpdate : GroupUpdate).safeParse(update);
  if (!identity.success) {
    const issue = identity.error.issues[0];
    return `${issue?.path.join('.') || 'update'}: ${issue?.message ?? 'invalid'}`;
  }
  const operation = readOperation(update, kind === 'user' ? USER_OPERATIONS : GROUP_OPERATIONS);
  if (!operation.ok) return operation.error;
  const { token, target } = identity.data;
  // A well-formed update for another token is accepted and lost: "1" "does not signify a valid
  // project token" (reference/ingestion-api, Received response).
  if (token !== project.config.projectToken) {
    project.count('droppedUpdates');
    return undefined;
  }
  if (target.kind === 'user') {
    const touchedAt = target.ignoreTime ? undefined : project.clock();
    project.profiles.applyToUser(target.distinctId, operation.name, operation.value, touchedAt);
    project.count('profileUpdates');
  } else {
    project.profiles.applyToGroup(target.groupKey, target.groupId, operation.name, operation.value);
    project.count('groupUpdates');
  }
  return undefined;
}
