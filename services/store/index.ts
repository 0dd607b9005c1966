export { createStoreService, type StoreOptions } from './store-service.ts';
export { NamespacePartition, LEADER_ELECTED } from './partition.ts';
export { handlers } from './operations.ts';
