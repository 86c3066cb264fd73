import { Router } from '../common/router.js';
import type { MixpanelProject } from './project.js';

/**
 * Read-only views for people and tests, beside the shared `/__sandbox/state|calls|faults`:
 * `GET /__sandbox/events?distinct_id=&event=`, `/__sandbox/profiles/{distinct_id}`,
 * `/__sandbox/groups/{group_key}/{group_id}`.
 */
export function inspectionRoutes(project: MixpanelProject): Router {
  return new Router()
    .add('GET', '/__sandbox/events', 'inspect', (req) => {
      project.settle();
      const distinctId = req.query.get('distinct_id') ?? undefined;
      const name = req.query.get('event');
      const events = project.events.list(distinctId).filter((e) => name === null || e.event === name);
      return { status: 200, body: { count: events.length, events } };
    })
    .add('GET', '/__sandbox/profiles/:distinctId', 'inspect', (req) => {
      project.settle();
      const profile = project.profiles.user(req.params.distinctId ?? '');
      return profile ? { status: 200, body: profile } : { status: 404, body: { error: 'no such profile' } };
    })
    .add('GET', '/__sandbox/groups/:groupKey/:groupId', 'inspect', (req) => {
      const group = project.profiles.group(req.params.groupKey ?? '', req.params.groupId ?? '');
      return group ? { status: 200, body: group } : { status: 404, body: { error: 'no such group' } };
    });
}
