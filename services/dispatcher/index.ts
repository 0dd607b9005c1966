export { Dispatcher } from './dispatcher.ts';
export { DISPATCHER_DEFAULTS, type DispatcherOptions } from './options.ts';
