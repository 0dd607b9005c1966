export * from './executor.ts';
export * from './line-splitter.ts';
export { stopGroup } from './process-group.ts';
export * from './shell-executor.ts';
export * from './docker-executor.ts';
export * from './function-executor.ts';
