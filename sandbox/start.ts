/**
 * `npm run sandbox [-- --only salesforce,mixpanel]`: the emulators alone, on fixed ports, for
 * trying a client against them or running the hub elsewhere. Ports and seed come from the
 * environment or `.env`, as for `npm start`.
 */
import { parseArgs } from 'node:util';
import { localSettings, portSetting } from '../local/env-file.js';
import { SANDBOX_NAMES, startSandbox, type SandboxName } from './launch.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, seed: { type: 'string' } } });
const only = (values.only?.split(',').map((name) => name.trim()) ?? [...SANDBOX_NAMES]) as SandboxName[];
const unknown = only.filter((name) => !SANDBOX_NAMES.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown emulator(s): ${unknown.join(', ')}. Choose from ${SANDBOX_NAMES.join(', ')}.\n`);
  process.exit(2);
}
const fromEnv = localSettings();
const port = (name: string, fallback: number): number => portSetting(fromEnv, name, fallback);

const sandbox = await startSandbox({
  only,
  seed: Number(values.seed ?? fromEnv.SANDBOX_SEED ?? 1),
  ports: {
    salesforce: port('SANDBOX_SALESFORCE_PORT', 4101),
    mixpanel: port('SANDBOX_MIXPANEL_PORT', 4102),
    zendesk: port('SANDBOX_ZENDESK_PORT', 4103),
  },
});
const lines = SANDBOX_NAMES.flatMap((name) => {
  const emulator = sandbox[name];
  return emulator
    ? [
        `  ${name.padEnd(10)} ${emulator.url}   ` +
          `state: ${emulator.url}/__sandbox/state   calls: ${emulator.url}/__sandbox/calls`,
      ]
    : [];
});
const settings = Object.entries(sandbox.env).map(([key, value]) => `  ${key}=${value}`);
process.stdout.write(
  [
    'Sandbox emulators:',
    ...lines,
    '',
    'Settings that point the hub at them:',
    ...settings,
    '',
    'Ctrl-C stops them.',
    '',
  ].join('\n'),
);

const stop = async (): Promise<void> => {
  await sandbox.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
