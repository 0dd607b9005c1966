export {
  startTestServer,
  startTestCluster,
  type TestServer,
  type TestServerOptions,
  type TestCluster,
} from './nats.ts';
export { waitFor, Latch, uniquePrefix } from './wait.ts';
export { runCli, spawnCli, projectRoot } from './cli.ts';
export { makeTestAuthority, type TestAuthority } from './certificates.ts';
