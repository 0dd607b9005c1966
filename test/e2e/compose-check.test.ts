import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registeredServices } from '@passerine/cli';
import { commandGroups, flagName, settingGroups } from '@passerine/config';
import { natsServerBinary, natsServerVersion } from '@passerine/natsconn';
import { parseCompose, projectRoot, readCompose, readComposeText } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const compose = readCompose();

/** What the real nats-server says of a node's command line from the compose file (-t: test the config). */
async function serverVerdict(args: string[], mounts: Record<string, string>): Promise<string> {
  const local = args.map((a) => mounts[a] ?? a);
  const { stdout, stderr } = await run(natsServerBinary(), [...local, '-t'], { cwd: projectRoot }).catch(
    (err) => err as { stdout: string; stderr: string },
  );
  return `${stdout}${stderr}`.trim();
}

describe('docker-compose.yml against the real nats-server and the services', () => {
  it('runs three NATS nodes on the image of the nats-server the tests run', async () => {
    const version = await natsServerVersion();
    expect(compose.natsNodes).toHaveLength(3);
    for (const node of compose.natsNodes) {
      expect(node.image, node.service).toBe(`nats:${version.major}.${version.minor}.${version.patch}-alpine`);
    }
  });

  it('names each node as its host is named, each name its own', () => {
    const names = compose.natsNodes.map((n) => n.serverName);
    expect(new Set(names).size).toBe(names.length);
    for (const node of compose.natsNodes) {
      expect(node.serverName, `${node.service} --server_name`).toMatch(/^[a-z0-9-]+$/);
      expect(node.serverName).toBe(node.hostname);
    }
  });

  it("has each node's configuration and command line accepted by the real nats-server", async () => {
    for (const node of compose.natsNodes) {
      expect(Object.keys(node.mounts)).toContain('/etc/nats/nats.conf');
      const verdict = await serverVerdict(node.args, node.mounts);
      expect(verdict, node.service).toMatch(/configuration file .* is valid/);
      expect(verdict).not.toMatch(/flag provided but not defined/);
    }
  });

  it('catches a flag the server does not know and a node name compose would leave unexpanded', async () => {
    const node = compose.natsNodes[0];
    const verdict = await serverVerdict([...node.args, '--server-name', 'x'], node.mounts);
    expect(verdict).toMatch(/flag provided but not defined/);
    const old = parseCompose(
      readComposeText().replace('"--server_name", "nats-1"', '"--server_name", "$${HOSTNAME}"'),
    );
    expect(old.natsNodes[0].serverName).not.toBe(old.natsNodes[0].hostname);
  });

  it("routes the cluster between the file's nodes by their DNS names", () => {
    const conf = readFileSync(join(projectRoot, 'nats.conf'), 'utf8');
    const routes = [...conf.matchAll(/nats-route:\/\/([\w-]+):6222/g)].map((m) => m[1]);
    expect(routes.sort()).toEqual(compose.natsNodes.map((n) => n.hostname).sort());
  });

  it('runs every registered service, and no name the CLI does not know', () => {
    const served = compose.services.flatMap((s) => s.serves);
    expect([...new Set(served)].sort()).toEqual(registeredServices.map((s) => s.name).sort());
  });

  it('gives the services only flags `passerine serve` takes and variables Passerine reads', () => {
    const flags = new Set(
      commandGroups.serve.flatMap((g) => Object.values(g.settings).map((s) => (s.flag ? flagName(s) : ''))),
    );
    const variables = new Set(
      settingGroups.flatMap((g) => Object.values(g.settings).map((s) => s.env ?? '')),
    );
    for (const service of compose.services) {
      for (const flag of service.flags.filter((a) => a.startsWith('--'))) {
        expect(flags, `${service.service}: ${flag}`).toContain(flag.split('=')[0]);
      }
      for (const variable of Object.keys(service.environment)) {
        expect(variables, `${service.service}: ${variable}`).toContain(variable);
      }
    }
  });

  it('builds every service from the Dockerfile, on the Node major version the tests run, in 3 copies', () => {
    const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
    const nodeMajor = process.versions.node.split('.')[0];
    expect(dockerfile).toMatch(new RegExp(`^FROM node:${nodeMajor}-`, 'm'));
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    for (const service of compose.services) {
      expect(service.built, service.service).toBe(true);
      expect(service.environment.PASSERINE_REPLICAS, service.service).toBe(String(compose.natsNodes.length));
      const urls = service.environment.PASSERINE_NATS_URL.split(',').map((u) => new URL(u).hostname);
      expect(urls.sort()).toEqual(compose.natsNodes.map((n) => n.hostname).sort());
    }
  });
});
