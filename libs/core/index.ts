export * from './errors.ts';
export * from './clock.ts';
export * from './ids.ts';
export * from './codec.ts';
export * from './envelope.ts';
export * from './logger.ts';
export * from './limits.ts';
export { type Random, seededRandom } from './random.ts';
