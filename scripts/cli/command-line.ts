/**
 * The command line of one `switchboard` command, parsed the same way by every command: strict
 * options plus `--help`/`-h`, positionals allowed; a usage error names the command and exits 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Says what is wrong with the command line, then the usage, on stderr, and exits 2: nothing was read or written. */
export function usageFailure(command: string, usage: string, message: string): never {
  process.stderr.write(`${command}: ${message}\n\n${usage}`);
  process.exit(EXIT.usage);
}

/** `process.argv`'s options and positionals; `--help` prints `usage` and exits 0. */
export function parseCommandLine<const T extends Options>(command: string, usage: string, options: T) {
  const config: { options: T & typeof HELP; allowPositionals: true; strict: true } = {
    options: { ...options, ...HELP },
    allowPositionals: true,
    strict: true,
  };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    return usageFailure(command, usage, (error as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage);
    process.exit(EXIT.ok);
  }
  return parsed;
}
