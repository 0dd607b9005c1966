import type { QueuePolicyName } from '@passerine/scheduling';
import { allowedNetworks } from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { group } from './group.ts';
import { checked, command, duration, integer, natsUrls, onOff, oneOf, pattern, port } from './kinds.ts';
import { setting } from './setting.ts';

/** Settings and checks that several groups share, and how `up` and `serve` run. */

export const validPrefix = (prefix: string) => {
  try {
    createNames(prefix);
    return true;
  } catch {
    return false;
  }
};

export const validNetwork = (text: string) => {
  try {
    allowedNetworks([text]);
    return true;
  } catch {
    return false;
  }
};

export function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}

/** Membership ids are keys of a KV bucket, which takes these characters. */
export const memberId = pattern(
  /^(?=.{1,64}$)[A-Za-z0-9_=-]+(\.[A-Za-z0-9_=-]+)*$/,
  '1 to 64 letters, digits, -, _ or =, with single dots between them',
);

/** The names the store opens a namespace under. */
export const namespaceName = pattern(/^[A-Za-z0-9_.-]{1,128}$/, '1 to 128 letters, digits, _, . or -');

// A record, so that a policy added to the scheduler and not here fails to compile.
export const policyNames: Record<QueuePolicyName, true> = { fifo: true, priority: true, fair: true };
export const policies = Object.keys(policyNames) as [QueuePolicyName, ...QueuePolicyName[]];

export const natsUrl = setting({
  env: 'PASSERINE_NATS_URL',
  flag: '--nats-url <url>',
  kind: natsUrls(),
  default: 'nats://127.0.0.1:4222',
  does: 'the NATS to join (a cluster: its URLs, comma-separated)',
});

export const prefix = setting({
  flag: '--prefix <prefix>',
  kind: checked('1 to 32 lower-case letters, digits, - or _, starting with a letter', validPrefix),
  default: 'psr',
  does: 'prefix of every subject, stream and bucket',
});

// A beat beyond a minute would leave a dead node or frontend unnoticed for minutes.
export const heartbeatMs = setting({
  env: 'PASSERINE_HEARTBEAT_MS',
  kind: duration(10, 60_000),
  default: 1_000,
  does: 'how often frontends and node monitors renew their advert (node monitors with it the leases of their running attempts)',
});

export const natsCredentials = setting({
  env: 'PASSERINE_NATS_CREDENTIALS',
  flag: '--nats-credentials <file>',
  kind: command(),
  defaultText: "this directory's `.passerine/credentials.json` (admin), else none",
  does: 'a file of one NATS credential (`{ "user", "password" }`, mode 600) to connect as: a role or a namespace\'s worker',
});

/** TLS towards NATS (a server with `tls` in its config): whom to trust, and what to show. */
export const natsCa = setting({
  env: 'PASSERINE_NATS_CA',
  kind: command(),
  defaultText: "none: the system's authorities when the URL is tls://",
  does: 'the certificate authority (PEM file) NATS servers are checked against',
});
export const natsCert = setting({
  env: 'PASSERINE_NATS_CERT',
  kind: command(),
  defaultText: 'none',
  does: 'the client certificate (PEM file) shown to NATS servers that ask for one (with PASSERINE_NATS_KEY)',
});
export const natsKey = setting({
  env: 'PASSERINE_NATS_KEY',
  kind: command(),
  defaultText: 'none',
  does: "the client certificate's private key (PEM file)",
});
export const natsTls = { natsCa, natsCert, natsKey };

// A hold is renewed at each heartbeat of the node running its task; a lease of a few beats
// survives a missed one, and is how long the holds of a dead node or frontend stay taken.
export const keyLeaseMs = setting({
  env: 'PASSERINE_KEY_LEASE_MS',
  kind: duration(100, 3_600_000),
  default: 10_000,
  does: "how long a hold on a key budget (a job's `limit`) lasts unless the node running its task renews it; a dead holder's holds come back after this",
});

/** What every command reads. */
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
