export { Frontend } from './frontend.ts';
export type { FrontendOptions } from './options.ts';
