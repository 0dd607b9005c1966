export { startTestServer, startTestCluster, type TestServer, type TestCluster } from './nats.ts';
export { waitFor, Latch, uniquePrefix } from './wait.ts';
