import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registeredServices } from '@passerine/cli';
import {
  commandGroups,
  flagName,
  parseFlag,
  readSettings,
  runSettings,
  serveSettings,
  serviceSettings,
  settingGroups,
} from '@passerine/config';
import { buildServerConfig, natsServerBinary } from '@passerine/natsconn';
import { projectRoot } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const natsConf = readFileSync(join(projectRoot, 'nats.conf'), 'utf8');

/** `nats-server -t` parses a config and exits; no Docker engine runs here, so this is the check we can make. */
async function serverAccepts(conf: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-conf-'));
  try {
    const file = join(dir, 'nats.conf');
    await writeFile(file, conf);
    await run(natsServerBinary(), ['-c', file, '-t']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// As the compose cluster runs it (with its users beside it), compose-check.test.ts has it tested.
describe('nats.conf', () => {
  it('yields a valid embedded config with the cluster block and the cluster users’ include cut out', async () => {
    expect(natsConf).toMatch(/cluster\s*\{[\s\S]*routes/);
    expect(natsConf).toMatch(/^include /m);
    const derived = buildServerConfig({
      host: '127.0.0.1',
      port: -1,
      storeDir: join(tmpdir(), 'x'),
      serverName: 's',
      base: natsConf,
    });
    expect(derived).not.toMatch(/^\s*cluster\s*\{/m);
    expect(derived).not.toMatch(/^\s*include\s/m);
    expect(derived).toMatch(/max_file_store/);
    await serverAccepts(derived);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true });

  it('runs a 3-node NATS cluster from nats.conf', () => {
    const nats = Object.keys(compose.services).filter((s) => s.startsWith('nats-'));
    expect(nats).toEqual(['nats-1', 'nats-2', 'nats-3']);
    for (const name of nats) {
      expect(compose.services[name].volumes.join(' ')).toContain('./nats.conf:/etc/nats/nats.conf');
      expect(natsConf).toContain(`nats-route://${name}:6222`);
    }
  });

  it('runs every service as a scalable replica set pointed at the whole cluster', () => {
    const known = registeredServices.map((s) => s.name);
    expect(known.length).toBeGreaterThan(0);
    for (const name of known) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service.command.slice(0, 3)).toEqual(['passerine', 'serve', name]);
      expect(service.deploy.replicas).toBeGreaterThanOrEqual(1);
      expect(service.environment.PASSERINE_NATS_URL.split(',')).toHaveLength(3);
    }
  });

  it('sets only settings there are, to values they accept', () => {
    const variables = new Set(settingGroups.flatMap((g) => Object.values(g.settings).map((s) => s.env)));
    const flags = commandGroups.serve.flatMap((g) => Object.values(g.settings)).filter((s) => s.flag);
    for (const name of registeredServices.map((s) => s.name)) {
      const { environment, command } = compose.services[name];
      for (const variable of Object.keys(environment)) expect(variables, variable).toContain(variable);
      for (const group of [runSettings, serveSettings, serviceSettings[name]]) {
        expect(() => readSettings(group, { env: environment }), name).not.toThrow();
      }
      const args: string[] = command.slice(3);
      for (let i = 0; i < args.length; i += 2) {
        const setting = flags.find((s) => flagName(s) === args[i]);
        expect(setting, args[i]).toBeDefined();
        expect(() => parseFlag(setting!, args[i + 1]), args[i]).not.toThrow();
      }
    }
  });
});
