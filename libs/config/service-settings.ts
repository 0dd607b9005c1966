import { availableParallelism } from 'node:os';
import { group } from './group.ts';
import {
  amount,
  checked,
  command,
  duration,
  host,
  integer,
  labels,
  list,
  oneOf,
  pattern,
  port,
} from './kinds.ts';
import { setting } from './setting.ts';
import {
  validNetwork,
  memberId,
  namespaceName,
  policies,
  heartbeatMs,
  keyLeaseMs,
  runSettings,
} from './shared-settings.ts';

/** The settings of each service, in the group `passerine serve NAME` and `up` read for it. */
export const storeSettings = group(['`up`', '`serve store`'], {
  replicas: runSettings.settings.replicas,
  compactAboveBytes: setting({
    flag: '--compact-above <bytes>',
    kind: integer(1024 ** 2, 1024 ** 4),
    default: 256 * 1024 ** 2,
    does: 'the event stream moves its history below the newest snapshots into the archive once it holds more than this',
  }),
  eventHistory: setting({
    flag: '--event-history <mode>',
    kind: oneOf(['archive', 'forget']),
    default: 'archive',
    does: 'what compaction does with the history it moves out of the event stream: keep it in the archive bucket, or forget it',
  }),
  archiveMaxBytes: setting({
    flag: '--archive-max-bytes <bytes>',
    kind: integer(0, 1024 ** 5),
    default: 0,
    does: 'largest size of the event archive (0: no limit); a compaction that would pass it fails and the stream keeps its history',
  }),
  eventVersions: setting({
    env: 'PASSERINE_EVENT_VERSIONS',
    kind: labels(),
    default: {},
    defaultText: 'none',
    does: 'event versions to pin, as `Type=version` pairs (`WorkSpecDeleted=1`): the replica reads and writes nothing newer, as a build from before them would (see Rolling upgrades)',
  }),
});

export const gatewaySettings = group(['`up`', '`serve gateway`'], {
  cborHost: setting({
    flag: '--cbor-host <host>',
    kind: host(),
    default: '127.0.0.1',
    does: 'address the Coordinate CBOR-RPC and gRPC servers listen on (Coordinate has no authentication: exposing it is a choice)',
  }),
  cborPort: setting({
    flag: '--cbor-port <port>',
    kind: port({ value: 0, means: 'any free port' }),
    default: 5932,
    does: "Coordinate's CBOR-RPC port",
  }),
  grpcPort: setting({
    flag: '--grpc-port <port>',
    kind: port({ value: 0, means: 'any free port' }),
    default: 5933,
    does: 'gRPC port',
  }),
  httpPort: setting({
    flag: '--http-port <port>',
    kind: port({ value: 0, means: 'any free port' }),
    default: 5980,
    does: 'HTTP port: the JSON API, /openapi.json, /healthz, /readyz and the dashboard at / (listens on the CBOR host)',
  }),
  namespace: setting({
    env: 'PASSERINE_NAMESPACE',
    kind: namespaceName,
    default: 'default',
    does: 'the work-queue namespace Coordinate clients of this gateway work in (the same name is set for pumped commands, see below)',
  }),
  cborAllow: setting({
    env: 'PASSERINE_CBOR_ALLOW',
    flag: '--cbor-allow <networks>',
    kind: list(checked('an address or address/bits', validNetwork), 256),
    default: [],
    defaultText: 'none: any address that reaches the bound host',
    does: 'networks CBOR-RPC accepts connections from (e.g. 10.0.0.0/8,127.0.0.1); others are refused and logged',
  }),
  cborNamespaces: setting({
    env: 'PASSERINE_CBOR_NAMESPACES',
    flag: '--cbor-namespaces <names>',
    kind: list(namespaceName, 1_000),
    default: [],
    defaultText: 'none (enough on loopback)',
    does: 'namespaces CBOR-RPC may serve; required, and must name the gateway namespace, when `--cbor-host` is beyond loopback',
  }),
  edgeTokens: setting({
    env: 'PASSERINE_EDGE_TOKENS',
    flag: '--edge-tokens <file>',
    kind: command(),
    defaultText: 'none: gRPC and HTTP ask for no token',
    does: 'a file of bearer tokens gRPC and HTTP require, one a line: `<token> <role> [namespace]` (roles viewer, operator, worker, admin; see the README)',
  }),
  edgeCert: setting({
    env: 'PASSERINE_EDGE_CERT',
    flag: '--edge-cert <file>',
    kind: command(),
    defaultText: 'none: gRPC and HTTP without TLS',
    does: 'the certificate (PEM file) gRPC and HTTP serve TLS with (with `--edge-key`)',
  }),
  edgeKey: setting({
    env: 'PASSERINE_EDGE_KEY',
    flag: '--edge-key <file>',
    kind: command(),
    defaultText: 'none',
    does: "the edge certificate's private key (PEM file)",
  }),
  edgeClientCa: setting({
    env: 'PASSERINE_EDGE_CLIENT_CA',
    flag: '--edge-client-ca <file>',
    kind: command(),
    defaultText: 'none: no client certificate asked',
    does: 'an authority (PEM file) whose client certificates gRPC and HTTP require; others are refused in the handshake',
  }),
  threads: setting({
    env: 'PASSERINE_THREADS',
    flag: '--threads <n>',
    kind: integer(1, 256),
    default: () => availableParallelism(),
    defaultText: "the machine's cores (`os.availableParallelism()`)",
    does: "processes that serve Coordinate connections: this one and n - 1 edge processes it hands connections to (1: this process alone, where the gateway's calls to a store leader beside it skip nats-server)",
  }),
});

export const frontendSettings = group(['`up`', '`serve frontend`'], {
  id: setting({
    env: 'PASSERINE_FRONTEND_ID',
    kind: memberId,
    defaultText: 'a fresh id',
    does: "the frontend's id in membership and subjects",
  }),
  heartbeatMs,
  staleAfterMs: setting({
    env: 'PASSERINE_STALE_AFTER_MS',
    kind: duration(10, 3_600_000),
    defaultText: '3 × the heartbeat, at least `3000`',
    does: 'a node monitor or frontend silent this long is taken for dead (its tasks retried, its jobs adopted)',
  }),
  pumpNamespaces: setting({
    env: 'PASSERINE_PUMP_NAMESPACES',
    kind: list(namespaceName, 1_000),
    default: ['default'],
    does: 'namespaces whose executable work specs the frontend pumps onto node monitors',
  }),
  nodeWaitMs: setting({
    env: 'PASSERINE_NODE_WAIT_MS',
    kind: duration(0, 600_000),
    default: 5_000,
    does: 'how long a job submitted while no node monitor is live waits for one before it is refused',
  }),
  keyWaitMs: setting({
    env: 'PASSERINE_KEY_WAIT_MS',
    kind: duration(0, 60_000),
    default: 1_000,
    does: "how long a node's request for a task of a job with a key `limit` waits for room in the key's budget before its slot goes back unused (keep it below the node's 2 s getTask timeout)",
  }),
  keyLeaseMs,
});

/** What a node offers beyond its slots: none given means no limit in that dimension. */
const capacity = (dimension: string) => `${dimension} the node offers to tasks that ask for it`;

export const nodeMonitorSettings = group(['`up`', '`serve node-monitor`'], {
  id: setting({
    env: 'PASSERINE_NODE_ID',
    kind: memberId,
    defaultText: 'a fresh id',
    does: "the node monitor's id in membership and subjects",
  }),
  slots: setting({
    env: 'PASSERINE_NODE_SLOTS',
    flag: '--slots <n>',
    kind: integer(1, 10_000),
    default: () => availableParallelism(),
    defaultText: "the machine's cores (`os.availableParallelism()`)",
    does: 'tasks the node runs at once',
  }),
  cpus: setting({
    env: 'PASSERINE_NODE_CPUS',
    flag: '--cpus <n>',
    kind: amount(0, 1_000_000),
    defaultText: 'no limit',
    does: capacity('cpus'),
  }),
  memMb: setting({
    env: 'PASSERINE_NODE_MEM_MB',
    flag: '--mem-mb <mb>',
    kind: integer(0, 1_000_000_000),
    defaultText: 'no limit',
    does: capacity('memory (MiB)'),
  }),
  diskMb: setting({
    env: 'PASSERINE_NODE_DISK_MB',
    flag: '--disk-mb <mb>',
    kind: integer(0, 1_000_000_000),
    defaultText: 'no limit',
    does: capacity('disk (MiB)'),
  }),
  labels: setting({
    env: 'PASSERINE_NODE_LABELS',
    flag: '--labels <pairs>',
    kind: labels(),
    default: {},
    defaultText: 'none',
    does: "the node's labels, which job and task constraints match",
  }),
  policy: setting({
    env: 'PASSERINE_NODE_POLICY',
    kind: oneOf(policies),
    default: 'fifo',
    does: 'the order reservations wait in: arrival, priority, or fair shares per user',
  }),
  heartbeatMs,
  keyLeaseMs,
  taskTimeoutMs: setting({
    env: 'PASSERINE_TASK_TIMEOUT_MS',
    // Node's timers fire at once beyond 2^31 - 1 ms.
    kind: duration(1, 2_147_483_647),
    defaultText: 'none',
    does: 'deadline of the tasks that set none themselves',
  }),
  maxOutputLines: setting({
    env: 'PASSERINE_TASK_MAX_OUTPUT_LINES',
    kind: integer(1, 100_000_000),
    default: 10_000,
    does: 'output lines one attempt of a task sends to the logs stream; the rest are counted as dropped',
  }),
  logBufferLines: setting({
    env: 'PASSERINE_LOG_BUFFER_LINES',
    kind: integer(1, 10_000_000),
    default: 100_000,
    does: 'output lines a node holds that the logs stream has not acknowledged; past it lines are counted as dropped',
  }),
  logRetryMs: setting({
    env: 'PASSERINE_LOG_RETRY_MS',
    kind: duration(100, 3_600_000),
    default: 60_000,
    does: 'how long a node retries a batch of output lines the logs stream does not acknowledge before it counts them as dropped',
  }),
  functionWorkers: setting({
    env: 'PASSERINE_FUNCTION_WORKERS',
    flag: '--function-workers <n>',
    kind: integer(1, 256),
    defaultText: "the node's slots, at most the machine's cores",
    does: 'worker threads kept warm for function tasks (each runs one task at a time)',
  }),
  artifactCacheDir: setting({
    env: 'PASSERINE_ARTIFACT_CACHE',
    kind: pattern(/^.{1,4096}$/, 'a directory'),
    defaultText: '`./.passerine/artifacts`',
    does: 'where the node keeps the artifact bundles of batch runs, by content digest',
  }),
  artifactCacheMb: setting({
    env: 'PASSERINE_ARTIFACT_CACHE_MB',
    kind: integer(1, 1_000_000),
    default: 1_024,
    does: 'most MiB of artifacts the node keeps; the least recently used go first',
  }),
});

export const dispatcherSettings = group(['`up`', '`serve dispatcher`'], {
  heartbeatMs,
  tickMs: setting({
    env: 'PASSERINE_DISPATCH_TICK_MS',
    kind: duration(10, 60_000),
    default: 250,
    does: 'how often a dispatcher looks for cron ticks that are due',
  }),
  graceMs: setting({
    env: 'PASSERINE_DISPATCH_GRACE_MS',
    kind: duration(0, 86_400_000),
    default: 60_000,
    does: "a tick this much older than now was missed (no dispatcher ran): the job's `missed` policy says whether it runs",
  }),
  backlogMultiple: setting({
    env: 'PASSERINE_BACKLOG_MULTIPLE',
    kind: amount(0.01, 10_000),
    default: 10,
    does: 'the backlog bound as a multiple of the live slots: a run past it is dropped, with the reason recorded',
  }),
  sweepMs: setting({
    env: 'PASSERINE_DISPATCH_SWEEP_MS',
    kind: duration(100, 3_600_000),
    default: 5_000,
    does: 'a run dispatched but not handed to the scheduler this long (its dispatcher died) is handed over by another',
  }),
});
