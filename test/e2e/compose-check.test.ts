import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { registeredServices } from '@passerine/cli';
import { commandGroups, flagName, settingGroups } from '@passerine/config';
import { natsServerBinary, natsServerVersion } from '@passerine/natsconn';
import {
  ComposeVolumes,
  type ComposeNatsNode,
  parseCompose,
  projectRoot,
  readCompose,
  readComposeText,
} from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const compose = readCompose();
let root: string;
let volumes: ComposeVolumes;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'passerine-compose-check-'));
  volumes = new ComposeVolumes(join(root, 'volumes'));
  for (const step of compose.setup) await volumes.runSetup(step, root);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/**
 * A node's files where its container has them, under a directory here (the repository's files it
 * mounts copied, its volumes linked), so relative includes resolve as they would in the container.
 */
async function nodeFiles(node: ComposeNatsNode): Promise<string> {
  const top = join(root, node.service);
  for (const [to, from] of Object.entries(node.mounts)) {
    await mkdir(dirname(join(top, to)), { recursive: true });
    await copyFile(from, join(top, to));
  }
  for (const [to, volume] of Object.entries(node.volumes)) {
    await mkdir(dirname(join(top, to)), { recursive: true });
    await rm(join(top, to), { force: true });
    await symlink(volumes.dirOf(volume), join(top, to));
  }
  return top;
}

/** What the real nats-server says of a node's command line from the compose file (-t: test the config). */
async function serverVerdict(node: ComposeNatsNode, args = node.args): Promise<string> {
  const top = await nodeFiles(node);
  const local = args.map((a) => (node.mounts[a] ? join(top, a) : a));
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
      const verdict = await serverVerdict(node);
      expect(verdict, node.service).toMatch(/configuration file .* is valid/);
      expect(verdict).not.toMatch(/flag provided but not defined/);
    }
  });

  it('catches a flag the server does not know and a node name compose would leave unexpanded', async () => {
    const node = compose.natsNodes[0];
    const verdict = await serverVerdict(node, [...node.args, '--server-name', 'x']);
    expect(verdict).toMatch(/flag provided but not defined/);
    const old = parseCompose(
      readComposeText().replace('"--server_name", "nats-1"', '"--server_name", "$${HOSTNAME}"'),
    );
    expect(old.natsNodes[0].serverName).not.toBe(old.natsNodes[0].hostname);
  });

  it('makes the users of every role in a setup step that every node waits for, once', () => {
    const step = compose.setup.find((s) => s.args.slice(0, 2).join(' ') === 'credentials generate');
    expect(step, 'a `passerine credentials generate` service').toBeDefined();
    expect(compose.volumes).toEqual(expect.arrayContaining(Object.values(step!.volumes)));
    // Run again on each `up`, it must keep what the running nodes and services hold.
    expect(step!.args).toContain('--keep-existing');
    expect(step!.restart).toBe('no');
    expect(step!.built).toBe(true);
    for (const node of compose.natsNodes) {
      expect(node.dependsOn[step!.service], node.service).toBe('service_completed_successfully');
    }
  });

  it("has each node include the setup's users and each service read its role's credential", () => {
    const step = compose.setup.find((s) => s.args[0] === 'credentials')!;
    const out = volumes.hostPath(step.args[step.args.indexOf('--out') + 1], step.volumes);
    const conf = readFileSync(join(projectRoot, 'nats.conf'), 'utf8');
    for (const node of compose.natsNodes) {
      const users = volumes.includedFile(node, conf);
      expect(users, node.service).toBeDefined();
      expect(realpathSync(users!)).toBe(realpathSync(join(out, 'nats-authorization.conf')));
    }
    for (const service of compose.services) {
      const file = service.environment.PASSERINE_NATS_CREDENTIALS;
      expect(file, service.service).toBeDefined();
      const here = volumes.hostPath(file, service.volumes);
      // One role per service: its file, on the volume the setup wrote.
      expect(service.serves).toHaveLength(1);
      expect(here).toBe(join(out, `${service.serves[0]}.json`));
      expect(existsSync(here), here).toBe(true);
    }
  });

  it("creates the credentials volume's mount point owned by the image's user, so the setup may write it", () => {
    const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
    const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    for (const step of compose.setup) {
      for (const to of Object.keys(step.volumes)) {
        expect(dockerfile).toMatch(new RegExp(`install -d -o ${user} -g ${user} -m 700 ${to}\\b`));
      }
    }
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
