// Rewrites the README's tables of settings and command variables from this module:
//   node bin/tsx.js libs/config/update-readme.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { withTables } from './readme-sections.ts';

const file = new URL('../../README.md', import.meta.url);
writeFileSync(file, withTables(readFileSync(file, 'utf8')));
