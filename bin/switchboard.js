#!/usr/bin/env node
// The package bin: runs the TypeScript CLI through tsx, as the npm scripts do.
import process from 'node:process';
import { register } from 'tsx/esm/api';

// As the npm scripts' --disable-warning=ExperimentalWarning: the local hub's modules use node:sqlite.
const [print] = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'ExperimentalWarning') print?.(warning);
});
register();
await import('../scripts/switchboard.ts');
