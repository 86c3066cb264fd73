#!/usr/bin/env node
// The package bin: runs the TypeScript CLI through tsx, as the npm scripts do.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/switchboard.ts');
