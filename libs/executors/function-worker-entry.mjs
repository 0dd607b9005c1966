// Worker threads on Node 20 do not apply `--import tsx` to their own entry, so this plain
// JavaScript entry registers tsx's loader first and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./function-worker.ts');
