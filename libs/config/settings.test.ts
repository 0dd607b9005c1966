import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CommandVariable } from './command-environment.ts';
import { readSettings } from './group.ts';
import {
  type AnySetting,
  ConfigError,
  flagName,
  parseFlag,
  readGiven,
  readSetting,
  type Sources,
} from './setting.ts';
import {
  clientSettings,
  commandGroups,
  commandSettings,
  dispatcherSettings,
  frontendSettings,
  gatewaySettings,
  natsServerSettings,
  nodeMonitorSettings,
  runSettings,
  serveSettings,
  settingGroups,
  storeSettings,
  upSettings,
} from './settings.ts';

const flags = (...pairs: [AnySetting, unknown][]) => new Map(pairs);

/** The one sentence a bad value stops start-up with. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('reading settings', () => {
  const replicas = runSettings.settings.replicas;

  it('takes the flag over the variable, the variable over the default', () => {
    expect(readSetting(replicas, {})).toBe(1);
    expect(readSetting(replicas, { env: { PASSERINE_REPLICAS: '3' } })).toBe(3);
    const both: Sources = { env: { PASSERINE_REPLICAS: '3' }, flags: flags([replicas, 5]) };
    expect(readSetting(replicas, both)).toBe(5);
    expect(readGiven(replicas, {})).toBeUndefined();
  });

  it('takes an empty variable for unset, except a list, where it means none', () => {
    expect(readSetting(replicas, { env: { PASSERINE_REPLICAS: '' } })).toBe(1);
    const pump = frontendSettings.settings.pumpNamespaces;
    expect(readSetting(pump, {})).toEqual(['default']);
    expect(readSetting(pump, { env: { PASSERINE_PUMP_NAMESPACES: '' } })).toEqual([]);
    expect(readSetting(pump, { env: { PASSERINE_PUMP_NAMESPACES: 'a,b' } })).toEqual(['a', 'b']);
  });

  it('gives each service the typed options it takes, with the defaults it had', () => {
    expect(readSettings(nodeMonitorSettings, { env: {} })).toEqual({
      id: undefined,
      slots: availableParallelism(),
      cpus: undefined,
      memMb: undefined,
      diskMb: undefined,
      labels: {},
      policy: 'fifo',
      heartbeatMs: 1_000,
      keyLeaseMs: 10_000,
      taskTimeoutMs: undefined,
      maxOutputLines: 10_000,
      logBufferLines: 100_000,
      logRetryMs: 60_000,
      functionWorkers: undefined,
      artifactCacheDir: undefined,
      artifactCacheMb: 1_024,
    });
    expect(readSettings(dispatcherSettings, { env: {} })).toEqual({
      heartbeatMs: 1_000,
      tickMs: 250,
      graceMs: 60_000,
      backlogMultiple: 10,
      sweepMs: 5_000,
    });
    expect(readSettings(frontendSettings, { env: {} })).toEqual({
      id: undefined,
      heartbeatMs: 1_000,
      staleAfterMs: undefined,
      pumpNamespaces: ['default'],
      nodeWaitMs: 5_000,
      keyWaitMs: 1_000,
      keyLeaseMs: 10_000,
    });
    expect(readSettings(gatewaySettings, { env: {} })).toEqual({
      cborHost: '127.0.0.1',
      cborPort: 5932,
      grpcPort: 5933,
      httpPort: 5980,
      namespace: 'default',
      cborAllow: [],
      cborNamespaces: [],
      edgeTokens: undefined,
      edgeCert: undefined,
      edgeKey: undefined,
      edgeClientCa: undefined,
      threads: availableParallelism(),
    });
    expect(readSettings(storeSettings, { env: {} })).toEqual({
      replicas: 1,
      compactAboveBytes: 256 * 1024 ** 2,
      eventHistory: 'archive',
      archiveMaxBytes: 0,
      eventVersions: {},
    });
    expect(readSettings(runSettings, { env: {} })).toEqual({
      logLevel: 'warn',
      prefix: 'psr',
      replicas: 1,
      localCalls: true,
      logMaxBytes: 256 * 1024 ** 2,
      logMaxAgeMs: 7 * 24 * 3600_000,
    });
    expect(readSettings(upSettings, { env: {} })).toEqual({
      natsUrl: undefined,
      natsPort: undefined,
      natsAuth: true,
      natsCredentials: undefined,
      natsCa: undefined,
      natsCert: undefined,
      natsKey: undefined,
      natsRestarts: 5,
    });
    expect(readSettings(serveSettings, { env: {} })).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      natsCredentials: undefined,
      natsCa: undefined,
      natsCert: undefined,
      natsKey: undefined,
    });
    expect(readSettings(commandSettings, { env: {} })).toEqual({ debug: false });
    expect(readSettings(natsServerSettings, { env: {} })).toEqual({ binary: 'nats-server' });
  });

  it('reads what the test rigs and docker-compose.yml set', () => {
    const env = {
      PASSERINE_NODE_ID: 'doomed',
      PASSERINE_NODE_SLOTS: '1',
      PASSERINE_HEARTBEAT_MS: '100',
      PASSERINE_NODE_LABELS: 'zone=a',
      PASSERINE_NODE_POLICY: 'fair',
      PASSERINE_TASK_TIMEOUT_MS: '600000',
    };
    expect(readSettings(nodeMonitorSettings, { env })).toMatchObject({
      id: 'doomed',
      slots: 1,
      labels: { zone: 'a' },
      policy: 'fair',
      heartbeatMs: 100,
      taskTimeoutMs: 600_000,
    });
    const fe = {
      PASSERINE_FRONTEND_ID: 'fe-a',
      PASSERINE_STALE_AFTER_MS: '800',
      PASSERINE_HEARTBEAT_MS: '100',
    };
    expect(readSettings(frontendSettings, { env: fe })).toMatchObject({ id: 'fe-a', staleAfterMs: 800 });
    const cluster = 'nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222';
    expect(readSettings(serveSettings, { env: { PASSERINE_NATS_URL: cluster } }).natsUrl).toBe(cluster);
    expect(readSettings(commandSettings, { env: { PASSERINE_DEBUG: '1' } }).debug).toBe(true);
  });
});

describe("a node's capacity", () => {
  const { slots, cpus, memMb, diskMb, labels } = nodeMonitorSettings.settings;

  it('comes from flags or variables, cpus in fractions, memory and disk in whole MiB', () => {
    const env = { PASSERINE_NODE_CPUS: '3.5', PASSERINE_NODE_MEM_MB: '8192', PASSERINE_NODE_DISK_MB: '0' };
    expect(readSettings(nodeMonitorSettings, { env })).toMatchObject({ cpus: 3.5, memMb: 8192, diskMb: 0 });
    const given = flags(
      [slots, parseFlag(slots, '16')],
      [cpus, parseFlag(cpus, '8')],
      [labels, parseFlag(labels, 'zone=b,gpu=yes')],
    );
    expect(readSettings(nodeMonitorSettings, { env, flags: given })).toMatchObject({
      slots: 16,
      cpus: 8,
      memMb: 8192,
      labels: { zone: 'b', gpu: 'yes' },
    });
  });

  it('refuses what is not a size, naming the flag or variable', () => {
    expect(refusal(() => parseFlag(cpus, '-1'))).toBe(
      '--cpus must be a number from 0 to 1,000,000 (fractions allowed), not "-1".',
    );
    expect(refusal(() => readSettings(nodeMonitorSettings, { env: { PASSERINE_NODE_MEM_MB: '1.5' } }))).toBe(
      'PASSERINE_NODE_MEM_MB must be a whole number from 0 to 1,000,000,000, not "1.5".',
    );
    expect(refusal(() => parseFlag(diskMb, 'lots'))).toMatch(/^--disk-mb must be a whole number/);
    expect(refusal(() => parseFlag(memMb, ''))).toMatch(/^--mem-mb must be/);
  });
});

describe('a bad value', () => {
  it('stops with one sentence naming the variable and what it accepts', () => {
    expect(refusal(() => readSettings(nodeMonitorSettings, { env: { PASSERINE_NODE_SLOTS: 'abc' } }))).toBe(
      'PASSERINE_NODE_SLOTS must be a whole number from 1 to 10,000, not "abc".',
    );
    expect(refusal(() => readSettings(nodeMonitorSettings, { env: { PASSERINE_NODE_SLOTS: '0' } }))).toBe(
      'PASSERINE_NODE_SLOTS must be a whole number from 1 to 10,000, not "0".',
    );
    expect(refusal(() => readSettings(frontendSettings, { env: { PASSERINE_HEARTBEAT_MS: '1s' } }))).toBe(
      'PASSERINE_HEARTBEAT_MS must be a whole number of milliseconds from 10 to 60,000, not "1s".',
    );
    expect(refusal(() => readSettings(nodeMonitorSettings, { env: { PASSERINE_NODE_POLICY: 'lifo' } }))).toBe(
      'PASSERINE_NODE_POLICY must be one of fifo, priority, fair, not "lifo".',
    );
    expect(refusal(() => readSettings(nodeMonitorSettings, { env: { PASSERINE_NODE_LABELS: 'zone' } }))).toBe(
      'PASSERINE_NODE_LABELS must be comma-separated key=value pairs with distinct non-empty keys (e.g. zone=a,gpu=yes), not "zone".',
    );
    expect(refusal(() => readSettings(serveSettings, { env: { PASSERINE_NATS_URL: 'http://x:4222' } }))).toBe(
      'PASSERINE_NATS_URL must be a NATS URL (nats://host:port, tls://host:port or host:port) or a comma-separated list of them, not "http://x:4222".',
    );
    expect(refusal(() => readSettings(runSettings, { env: { PASSERINE_LOG_LEVEL: 'loud' } }))).toBe(
      'PASSERINE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud".',
    );
    expect(refusal(() => readSettings(commandSettings, { env: { PASSERINE_DEBUG: 'maybe' } }))).toMatch(
      /^PASSERINE_DEBUG must be one of 1, true, yes, on, 0, false, no, off, not "maybe"\.$/,
    );
  });

  it('is named by its flag when it came from one', () => {
    const cborPort = gatewaySettings.settings.cborPort;
    expect(refusal(() => parseFlag(cborPort, '99999'))).toBe(
      '--cbor-port must be a port from 1 to 65535, or 0 for any free port, not "99999".',
    );
    expect(refusal(() => parseFlag(runSettings.settings.prefix, 'Bad.Prefix'))).toBe(
      '--prefix must be 1 to 32 lower-case letters, digits, - or _, starting with a letter, not "Bad.Prefix".',
    );
    expect(refusal(() => parseFlag(runSettings.settings.replicas, '7'))).toBe(
      '--replicas must be a whole number from 1 to 5, not "7".',
    );
    expect(parseFlag(cborPort, '0')).toBe(0);
  });

  it('is quoted short when long', () => {
    const sentence = refusal(() =>
      readSettings(frontendSettings, { env: { PASSERINE_FRONTEND_ID: 'x'.repeat(500) } }),
    );
    expect(sentence.length).toBeLessThan(250);
    expect(sentence).toMatch(/^PASSERINE_FRONTEND_ID must be 1 to 64 .*, not "x+\.\.\."\.$/);
  });

  it('carries the name it was given under', () => {
    try {
      readSettings(storeSettings, { env: { PASSERINE_REPLICAS: 'three' } });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'validation', setting: 'PASSERINE_REPLICAS' });
    }
  });
});

describe('the table of settings', () => {
  const all = [...new Set(settingGroups.flatMap((g) => Object.values(g.settings)))];

  it('names variables PASSERINE_* and flags --*, none twice', () => {
    const envs = all.flatMap((s) => (s.env ? [s.env] : []));
    expect(envs.every((env) => /^PASSERINE_[A-Z_]+$/.test(env))).toBe(true);
    expect(new Set(envs).size).toBe(envs.length);
    expect(all.every((s) => !s.flag || /^--[a-z-]+ <[a-z]+>$/.test(s.flag))).toBe(true);
  });

  it('gives each command each flag once', () => {
    for (const [name, groups] of Object.entries(commandGroups)) {
      const settings = [...new Set(groups.flatMap((g) => Object.values(g.settings)))];
      const names = settings.flatMap((s) => (s.flag ? [flagName(s)] : []));
      expect(new Set(names).size, name).toBe(names.length);
    }
    expect(commandGroups.client).toEqual([clientSettings]);
  });

  it('keeps settings apart from what Passerine sets for commands, but for the gateway namespace', () => {
    const set = new Set<string>(Object.values(CommandVariable));
    const shared = all.flatMap((s) => (s.env && set.has(s.env) ? [s.env] : []));
    expect(shared).toEqual(['PASSERINE_NAMESPACE']);
  });

  it('documents each setting', () => {
    for (const s of all) {
      expect(s.does.length, s.env ?? s.flag).toBeGreaterThan(5);
      expect(s.defaultText, s.env ?? s.flag).not.toBe('`undefined`');
      expect(s.kind.accepts.length).toBeGreaterThan(5);
    }
  });
});
