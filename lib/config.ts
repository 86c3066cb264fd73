import * as z from './zod-mini.js';
import { readSsmParameter } from './ssm-parameter.js';

/** A setting is missing or malformed; the message names every variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/**
 * Parses environment variables with a zod shape, once per container. Fails with the names of
 * all missing or invalid variables, so a misconfigured deployment says what to set.
 */
export function parseEnv<S extends z.core.$ZodShape>(shape: S, env: Env = process.env): z.infer<z.ZodMiniObject<S>> {
  // An empty variable is an unset one (deployment parameters default to '').
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(set);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return set[name] === undefined ? `${name} is not set` : `${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * A setting that holds JSON (a mapping, a sync configuration): parsed and validated, or a
 * `ConfigError` that names the setting and every problem with its path.
 */
export function parseJsonSetting<S extends z.core.$ZodType>(name: string, text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${name} is not JSON: ${(error as Error).message}`);
  }
  const parsed = z.safeParse(schema, json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`${name} is invalid: ${problems.join('; ')}`);
}

/** Reads one SSM parameter (decrypted); injected so tests and the local runtime need no AWS. */
export type ParameterReader = (name: string) => Promise<string | undefined>;

/**
 * Resolves secrets: `NAME` from the environment when set (local runs, `.env`), else the SSM
 * parameter whose path is in `NAME_SSM` (deployments). Values are never logged.
 */
export async function resolveSecrets<K extends string>(
  names: readonly K[],
  readParameter: ParameterReader,
  env: Env = process.env,
): Promise<Record<K, string>> {
  const missing: string[] = [];
  const entries = await Promise.all(
    names.map(async (name) => {
      const direct = env[name];
      if (direct) return [name, direct] as const;
      const path = env[`${name}_SSM`];
      const fromSsm = path ? await readParameter(path) : undefined;
      if (!fromSsm)
        missing.push(path ? `${name} (SSM parameter ${path} is empty or missing)` : `${name} (or ${name}_SSM)`);
      return [name, fromSsm ?? ''] as const;
    }),
  );
  if (missing.length > 0) throw new ConfigError(`Missing secrets: ${missing.join(', ')}`);
  return Object.fromEntries(entries) as Record<K, string>;
}

/**
 * Reads decrypted SecureString parameters with SSM's GetParameter (lib/ssm-parameter.ts), for
 * the secrets that are not in the environment: every secret of a deployment, none of a local run.
 */
export const ssmParameterReader: ParameterReader = readSsmParameter;

/** Where the hub's queues are; every function that enqueues or consumes needs these. */
export const queueSettings = {
  SQS_ENDPOINT: z.optional(z.url()),
  SALESFORCE_QUEUE_URL: z.url(),
  SALESFORCE_DLQ_URL: z.url(),
  MIXPANEL_QUEUE_URL: z.url(),
  MIXPANEL_DLQ_URL: z.url(),
  ZENDESK_QUEUE_URL: z.url(),
  ZENDESK_DLQ_URL: z.url(),
  /** Equals the queues' redrive `maxReceiveCount`: the last delivery dead-letters with a reason. */
  MAX_RECEIVE_COUNT: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 25),
};
