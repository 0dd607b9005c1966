import { group, type SettingGroup } from './group.ts';
import { command, integer, natsUrls, onOff, pattern, port } from './kinds.ts';
import { setting } from './setting.ts';
import { natsUrl, prefix, natsCredentials, natsTls, runSettings } from './shared-settings.ts';
import {
  storeSettings,
  gatewaySettings,
  frontendSettings,
  nodeMonitorSettings,
  dispatcherSettings,
} from './service-settings.ts';

/*
 * Every setting of Passerine: each is one entry here or in the two modules beside this one
 * (shared-settings.ts: what several groups share and how `up` and `serve` run; service-settings.ts:
 * each service's), in the group of the part that reads it (a setting two parts read is defined
 * once, in shared-settings.ts). `passerine up` and `passerine serve` take the
 * flags of their groups, the README's table is rendered from these groups, and a test keeps the two
 * equal. Adding a setting is adding its entry (then `node bin/tsx.js libs/config/update-readme.ts`
 * rewrites the table).
 */
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

export { runSettings } from './shared-settings.ts';
export {
  storeSettings,
  gatewaySettings,
  frontendSettings,
  nodeMonitorSettings,
  dispatcherSettings,
} from './service-settings.ts';
