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
export {
  composePath,
  parseCompose,
  readCompose,
  readComposeText,
  type ComposeNatsNode,
  type ComposeService,
  type ComposeSetup,
  type ComposeTopology,
} from './compose-file.ts';
export {
  startComposeTopology,
  type Replica,
  type Topology,
  type TopologyOptions,
} from './compose-topology.ts';
export { readTopologyCredentials, type TopologyCredentials } from './topology-credentials.ts';
export { ComposeVolumes } from './compose-volumes.ts';
export { chromiumPath } from './chromium.ts';
