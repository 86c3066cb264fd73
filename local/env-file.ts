import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The settings of a local command (`npm start`, `npm run sandbox`, the scripts): `.env` in the
 * directory it runs in (npm runs every script from the repository root), overridden by the
 * process environment. An empty value is an unset one, as `.env.example` leaves most of them.
 */
export function localSettings(dir: string = process.cwd()): Record<string, string> {
  const file = resolve(dir, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...withValues(fromFile), ...withValues(process.env) };
}

function withValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** A port setting: its value, or the fallback when unset (0 asks for a free port). */
export function portSetting(settings: Record<string, string>, name: string, fallback: number): number {
  const value = settings[name];
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, not ${value}`);
  return port;
}
