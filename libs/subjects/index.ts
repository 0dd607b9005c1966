export { encodeToken, decodeToken } from './token.ts';
export { createNames, type LogUnitName, type Names, UNIT_LOG_BUCKETS, unitLogBucket } from './names.ts';
export {
  BATCH_OPERATIONS,
  type BatchOperation,
  FRONTEND_OPERATIONS,
  type FrontendOperation,
  JOB_OPERATIONS,
  type JobOperation,
  NODE_MONITOR_OPERATIONS,
  type NodeMonitorOperation,
} from './operations.ts';
