#!/usr/bin/env node
// The `passerine` command: the TypeScript CLI, bundled on first use (see cli-bundle.js), so no build
// step is needed.
import { loadCli } from './cli-bundle.js';

const { main } = await loadCli();
await main(process.argv);
