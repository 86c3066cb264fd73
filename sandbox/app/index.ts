import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../common/emulator.js';
import { Router, type RouteHandler } from '../common/router.js';
import { EXPORT_PATH, usageExportRoute, type ExportRouteOptions } from './export-route.js';
import { population, type UsageOptions } from './population.js';

export { accountRecords, seedUsageAccounts, type Plan, type UsageAccountRecord } from './accounts.js';
export { EXPORT_PATH, usageExportRoute, type ExportRouteOptions } from './export-route.js';
export type { ExportFormat } from './export-format.js';
export { writeUsageExport, type ExportWriteOptions, type WrittenExport, type WrittenPart } from './export-writer.js';
export { EXPORT_COLUMNS, generateUsage, type ExportRow, type RowRange } from './generate.js';
export { plannedChanges, UsageOptions } from './population.js';

/** The bearer token the app emulator's export asks for unless told another. */
export const SANDBOX_APP_EXPORT_TOKEN = 'sandbox-app-export-token';

export interface AppEmulatorOptions extends EmulatorOptions, Partial<Omit<ExportRouteOptions, 'usage'>> {
  usage: UsageOptions;
}

/** A running app emulator: the shared emulator handle plus the export's address and token. */
export interface AppEmulator extends RunningEmulator {
  /** `GET` target of the export's first page. */
  exportUrl: string;
  token: string;
  /** Serves another night (e.g. the same seed with `changedShare`); cursors of the previous one are refused. */
  setUsage(usage: UsageOptions): void;
}

/**
 * Starts an emulated app on loopback serving its usage export as paged NDJSON, with the shared
 * latency, fault injection and `/__sandbox/` inspection (`state` shows the night's options).
 * @public Serves the HTTPS export to the usage sync's tests (`npm start` seeds the S3 export instead).
 */
export async function startAppEmulator(options: AppEmulatorOptions): Promise<AppEmulator> {
  const token = options.token ?? SANDBOX_APP_EXPORT_TOKEN;
  const route = (usage: UsageOptions) => usageExportRoute({ ...options, usage, token });
  let usage = population(options.usage).options;
  let serve: RouteHandler = route(usage);
  const router = new Router().add('GET', EXPORT_PATH, 'export.usage', (req) => serve(req));
  const running = await startEmulator(
    {
      name: 'app',
      router,
      state: () => ({ usage, pageSize: options.pageSize ?? 10_000 }),
      errorBody: (status, message) => ({ error: status >= 500 ? 'server_error' : 'error', message }),
    },
    options,
  );
  return {
    ...running,
    exportUrl: `${running.url}${EXPORT_PATH}`,
    token,
    setUsage: (next) => {
      usage = population(next).options;
      serve = route(usage);
    },
  };
}
