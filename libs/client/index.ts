export { WorkQueueClient, type WorkQueueClientOptions } from './workqueue-client.ts';
