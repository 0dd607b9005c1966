#!/usr/bin/env node
// The `passerine` command: runs the TypeScript CLI through tsx's loader, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/main.ts');
await main(process.argv);
