// Worker threads on Node 20 do not apply `--import tsx` to their own entry, so this plain
// JavaScript entry registers tsx's loader first (module functions may be TypeScript) and then
// loads the TypeScript pool worker.
import { register } from 'tsx/esm/api';

register();
await import('./function-pool-worker.ts');
