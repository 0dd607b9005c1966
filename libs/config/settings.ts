import { availableParallelism } from 'node:os';
import type { QueuePolicyName } from '@passerine/scheduling';
import { allowedNetworks } from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { group, type SettingGroup } from './group.ts';
import {
  amount,
  checked,
  command,
  duration,
  host,
  integer,
  labels,
  list,
  natsUrls,
  onOff,
  oneOf,
  pattern,
  port,
} from './kinds.ts';
import { setting } from './setting.ts';

/*
 * Every setting of Passerine: each is one entry here, in the group of the part that reads it (a
 * setting two parts read is defined once above them). `passerine up` and `passerine serve` take the
 * flags of their groups, the README's table is rendered from these groups, and a test keeps the two
 * equal. Adding a setting is adding its entry (then `node bin/tsx.js libs/config/update-readme.ts`
 * rewrites the table).
 */

const validPrefix = (prefix: string) => {
  try {
    createNames(prefix);
    return true;
  } catch {
    return false;
  }
};

const validNetwork = (text: string) => {
  try {
    allowedNetworks([text]);
    return true;
  } catch {
    return false;
  }
};

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}

/** Membership ids are keys of a KV bucket, which takes these characters. */
const memberId = pattern(
  /^(?=.{1,64}$)[A-Za-z0-9_=-]+(\.[A-Za-z0-9_=-]+)*$/,
  '1 to 64 letters, digits, -, _ or =, with single dots between them',
);

/** The names the store opens a namespace under. */
const namespaceName = pattern(/^[A-Za-z0-9_.-]{1,128}$/, '1 to 128 letters, digits, _, . or -');

// A record, so that a policy added to the scheduler and not here fails to compile.
const policyNames: Record<QueuePolicyName, true> = { fifo: true, priority: true, fair: true };
const policies = Object.keys(policyNames) as [QueuePolicyName, ...QueuePolicyName[]];

const natsUrl = setting({
  env: 'PASSERINE_NATS_URL',
  flag: '--nats-url <url>',
  kind: natsUrls(),
  default: 'nats://127.0.0.1:4222',
  does: 'the NATS to join (a cluster: its URLs, comma-separated)',
});

const prefix = setting({
  flag: '--prefix <prefix>',
  kind: checked('1 to 32 lower-case letters, digits, - or _, starting with a letter', validPrefix),
  default: 'psr',
  does: 'prefix of every subject, stream and bucket',
});

// A beat beyond a minute would leave a dead node or frontend unnoticed for minutes.
const heartbeatMs = setting({
  env: 'PASSERINE_HEARTBEAT_MS',
  kind: duration(10, 60_000),
  default: 1_000,
  does: 'how often frontends and node monitors renew their advert (node monitors with it the leases of their running attempts)',
});

const natsCredentials = setting({
  env: 'PASSERINE_NATS_CREDENTIALS',
  flag: '--nats-credentials <file>',
  kind: command(),
  defaultText: "this directory's `.passerine/credentials.json` (admin), else none",
  does: 'a file of one NATS credential (`{ "user", "password" }`, mode 600) to connect as: a role or a namespace\'s worker',
});

/** TLS towards NATS (a server with `tls` in its config): whom to trust, and what to show. */
const natsCa = setting({
  env: 'PASSERINE_NATS_CA',
  kind: command(),
  defaultText: "none: the system's authorities when the URL is tls://",
  does: 'the certificate authority (PEM file) NATS servers are checked against',
});
const natsCert = setting({
  env: 'PASSERINE_NATS_CERT',
  kind: command(),
  defaultText: 'none',
  does: 'the client certificate (PEM file) shown to NATS servers that ask for one (with PASSERINE_NATS_KEY)',
});
const natsKey = setting({
  env: 'PASSERINE_NATS_KEY',
  kind: command(),
  defaultText: 'none',
  does: "the client certificate's private key (PEM file)",
});
const natsTls = { natsCa, natsCert, natsKey };

// A hold is renewed at each heartbeat of the node running its task; a lease of a few beats
// survives a missed one, and is how long the holds of a dead node or frontend stay taken.
const keyLeaseMs = setting({
  env: 'PASSERINE_KEY_LEASE_MS',
  kind: duration(100, 3_600_000),
  default: 10_000,
  does: "how long a hold on a key budget (a job's `limit`) lasts unless the node running its task renews it; a dead holder's holds come back after this",
});

/** What every command reads. */
export const commandSettings = group(['every command'], {
  debug: setting({
    env: 'PASSERINE_DEBUG',
    kind: onOff(),
    default: false,
    defaultText: 'off',
    does: 'print the stack of an error after its one-line message',
  }),
});

/** Where the nats-server binary is, for whatever starts one (`passerine up`, tests, benchmarks). */
export const natsServerSettings = group(['`up`', 'tests', 'benchmarks'], {
  binary: setting({
    env: 'PASSERINE_NATS_SERVER',
    kind: command(),
    default: 'nats-server',
    does: 'the nats-server binary to start (the bootstrap script installs one when it is missing)',
  }),
});

/** How `passerine up` and `passerine serve` run, whichever services they start. */
export const runSettings = group(['`up`', '`serve`'], {
  logLevel: setting({
    env: 'PASSERINE_LOG_LEVEL',
    flag: '--log-level <level>',
    kind: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'warn',
    does: 'how much the services log (pino JSON on stdout)',
  }),
  prefix,
  metricsPort: setting({
    env: 'PASSERINE_METRICS_PORT',
    flag: '--metrics-port <port>',
    kind: port({ value: 0, means: 'any free port' }),
    defaultText: "none: no metrics server of its own (the gateway serves the whole instance's)",
    does: "serves this process's own figures at http://127.0.0.1:PORT/metrics (a service run alone with `serve`)",
  }),
  otlpUrl: setting({
    env: 'PASSERINE_OTLP_URL',
    flag: '--otlp-url <url>',
    kind: checked('an http:// or https:// URL', isHttpUrl),
    defaultText: 'none: tracing off',
    does: 'OTLP/HTTP traces endpoint (e.g. http://127.0.0.1:4318/v1/traces); set, spans are exported and log lines carry trace ids',
  }),
  replicas: setting({
    env: 'PASSERINE_REPLICAS',
    flag: '--replicas <n>',
    // JetStream keeps at most five replicas of a stream.
    kind: integer(1, 5),
    default: 1,
    does: 'replicas of every stream and bucket (3 on a NATS cluster)',
  }),
  localCalls: setting({
    env: 'PASSERINE_LOCAL_CALLS',
    kind: onOff(),
    default: true,
    defaultText: 'on',
    does: 'calls from the gateway to a store leader in the same process skip nats-server (off: every call goes through NATS; appends always do)',
  }),
  // The logs stream forgets its oldest lines past either bound: output is useful, not the truth.
  logMaxBytes: setting({
    env: 'PASSERINE_LOG_MAX_BYTES',
    kind: integer(1024 ** 2, 2 ** 50),
    default: 256 * 1024 ** 2,
    defaultText: '`268435456` (256 MiB)',
    does: 'size bound of the logs stream; past it the oldest output lines go',
  }),
  logMaxAgeMs: setting({
    env: 'PASSERINE_LOG_MAX_AGE_MS',
    kind: duration(1_000, 10 * 365 * 24 * 3600_000),
    default: 7 * 24 * 3600_000,
    defaultText: '`604800000` (7 days)',
    does: 'age bound of the logs stream; older output lines go',
  }),
});

/** `passerine up` alone: it starts a nats-server unless told of one. */
export const upSettings = group(['`up`'], {
  natsUrl: setting({
    flag: '--nats-url <url>',
    kind: natsUrls(),
    defaultText: 'none: `up` starts a nats-server with its data in `./.passerine/`',
    does: 'an existing NATS to run against instead of starting one',
  }),
  natsPort: setting({
    flag: '--nats-port <port>',
    kind: port({ value: -1, means: 'any free port' }),
    defaultText: '`4222`, or a free port when it is taken',
    does: 'client port of the nats-server `up` starts',
  }),
  natsAuth: setting({
    env: 'PASSERINE_NATS_AUTH',
    flag: '--nats-auth <switch>',
    kind: onOff(),
    default: true,
    defaultText: 'on',
    does: 'give the nats-server `up` starts a user per role (credentials in `./.passerine/credentials.json`, mode 600) and refuse anyone else',
  }),
  natsCredentials,
  ...natsTls,
  natsRestarts: setting({
    env: 'PASSERINE_NATS_RESTARTS',
    flag: '--nats-restarts <n>',
    kind: integer(0, 100),
    default: 5,
    does: 'how often within ten minutes `up` starts its nats-server again when it dies, before it gives up and exits non-zero',
  }),
});

/** `passerine serve` joins a NATS that runs already. */
export const serveSettings = group(['`serve`'], { natsUrl, natsCredentials, ...natsTls });

/** `npm run bench:sparrow` runs against a NATS of its own unless given one. */
export const benchSettings = group(['`bench:sparrow`'], { natsUrl });

/** The original Coordinate, outside the repository: the differential harness and the edge's bench run it. */
const coordinateReference = setting({
  env: 'PASSERINE_COORDINATE_REFERENCE',
  flag: '--reference <run>',
  kind: command(),
  defaultText:
    'none (`compat:record` requires it; `bench:coordinate` then has no reference rows and no ratio)',
  does: "the original Coordinate's `run` script (`run serve PORT`, `run python FILE`), with Python 2.7",
});

/**
 * `npm run compat:record`, the differential harness of the Coordinate edge: it runs its scenarios
 * against the original Coordinate and against Passerine, and records the original's exchanges as
 * fixtures. The original lives outside the repository, so where it is must be given.
 */
export const compatSettings = group(['`compat:record`'], {
  reference: coordinateReference,
  target: setting({
    flag: '--target <address>',
    kind: pattern(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'HOST:PORT'),
    defaultText: 'a `passerine up` of its own on free ports',
    does: "a running Passerine's CBOR-RPC endpoint to run the scenarios against",
  }),
});

/**
 * `npm run bench:coordinate` drives `passerine up` (and the original Coordinate, when given) with a
 * Coordinate load client that lives outside the repository.
 */
export const coordinateBenchSettings = group(['`bench:coordinate`'], {
  coordload: setting({
    env: 'PASSERINE_COORDLOAD',
    kind: command(),
    defaultText: 'none: the bench says it has no load client and stops',
    does: 'the Coordinate load client to run (`run [-units N] [-workers W] [-seconds S] [-spec NAME] HOST:PORT`, one JSON line out)',
  }),
  reference: coordinateReference,
});

/** The commands that talk to a running Passerine (`jobs`, `specs`, `units`, `events`, ...). */
export const clientSettings = group(['client commands'], { natsUrl, prefix, natsCredentials, ...natsTls });

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
    does: 'a file of bearer tokens gRPC and HTTP require, one a line: `<token> <role> [namespace]` (roles worker, admin)',
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

/** The services `passerine up` runs, by the name `passerine serve` takes. */
export const serviceSettings = {
  store: storeSettings,
  gateway: gatewaySettings,
  frontend: frontendSettings,
  'node-monitor': nodeMonitorSettings,
  dispatcher: dispatcherSettings,
} as const;

/** The groups whose flags each command takes. */
export const commandGroups = {
  up: [runSettings, upSettings, ...Object.values(serviceSettings)],
  serve: [runSettings, serveSettings, ...Object.values(serviceSettings)],
  client: [clientSettings],
} as const satisfies Record<string, readonly SettingGroup[]>;

/** Every group, in the order the README lists their settings. */
export const settingGroups: readonly SettingGroup[] = [
  commandSettings,
  runSettings,
  upSettings,
  serveSettings,
  clientSettings,
  ...Object.values(serviceSettings),
  natsServerSettings,
  benchSettings,
  coordinateBenchSettings,
  compatSettings,
];
