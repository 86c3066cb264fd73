/**
 * `switchboard <command> …` (also `npm run switchboard -- <command> …`): the operators' CLI.
 * Each command is a script of its own in scripts/, loaded only when asked for, so a command's
 * dependencies cost nothing to the others. Exit codes: scripts/cli/exit-codes.ts.
 */
import { EXIT } from './cli/exit-codes.js';

interface Command {
  /** The words that name it: `evidence`, or `backfill zendesk`. */
  words: string[];
  /** The script that runs it, relative to this file; it reads `process.argv` after the words. */
  script: string;
  summary: string;
}

const COMMANDS: Command[] = [
  { words: ['evidence'], script: './evidence.ts', summary: 'the terms evidence of one person (--email | --user-id)' },
  { words: ['backfill', 'zendesk'], script: './zendesk-backfill.ts', summary: 'relay historical Zendesk tickets' },
  { words: ['sync'], script: './sync.ts', summary: 'run|status: a night of the usage sync' },
  { words: ['dry-run'], script: './dry-run.ts', summary: 'the writes a webhook payload would cause, none made' },
  { words: ['dlq'], script: './dlq.ts', summary: 'list|show|redrive: the dead-letter queues' },
  { words: ['limits'], script: './limits.ts', summary: "each API's budget and usage now (--live asks Salesforce)" },
  { words: ['forget'], script: './forget.ts', summary: "delete people's Mixpanel data (--user-id); status <id>" },
];

const USAGE = `Usage: switchboard <command> [options]     (or: npm run switchboard -- <command> [options])

Commands:
${COMMANDS.map((command) => `  ${command.words.join(' ').padEnd(18)} ${command.summary}`).join('\n')}

Every command acts on the local hub (npm start) unless given --stage <name>, and takes --help.
Exit status: 0 done and fine; 1 done, and found a problem; 2 usage error; 3 could not reach the
hub, the stage or an API.
`;

const args = process.argv.slice(2);
const command = COMMANDS.find((candidate) => candidate.words.every((word, index) => args[index] === word));
if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
  process.stdout.write(USAGE);
} else if (!command) {
  process.stderr.write(`switchboard: unknown command ${JSON.stringify(args.join(' '))}\n\n${USAGE}`);
  process.exitCode = EXIT.usage;
} else {
  // The command's own script parses process.argv, as it would run alone.
  process.argv = [process.argv[0] ?? 'node', command.script, ...args.slice(command.words.length)];
  await import(command.script);
}
