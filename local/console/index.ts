import { DynamoStateStore } from '../../lib/clients/state-store.js';
import type { RunningHub } from '../hub.js';
import { consoleGuard } from './guard.js';
import type { RecentRelays } from './relays.js';
import { ConsoleService } from './routes.js';
import type { ConsoleSandbox } from './users.js';

/**
 * Serves the console on a running hub's port and returns its URL. Call it once the hub runs: the
 * state store is read with the hub's local DynamoDB and settings.
 */
export function startConsole(hub: RunningHub, sandbox: ConsoleSandbox, relays: RecentRelays): string {
  const table = hub.tables.get('StateTable');
  if (!table) throw new Error('serverless.yml has no StateTable: the console reads the budgets there');
  const store = DynamoStateStore.create({ tableName: table.name, endpoint: hub.dynamoDb.endpoint });
  hub.serve(
    new ConsoleService({
      hub,
      sandbox,
      relays,
      store,
      guard: consoleGuard(hub.url),
    }),
  );
  return `${hub.url}/console`;
}
