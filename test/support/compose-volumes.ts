import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { runCli } from './cli.ts';
import type { ComposeNatsNode, ComposeSetup } from './compose-file.ts';

/**
 * The compose file's named volumes as directories here, and container paths mapped onto them, so
 * a setup step, a node's configuration and a service's environment see the files their containers
 * would see, where the containers would see them.
 */
export class ComposeVolumes {
  constructor(readonly root: string) {}

  dirOf(volume: string): string {
    return join(this.root, volume);
  }

  /** A container path under one of `mounted` (container path → volume), as a path here; others as given. */
  hostPath(path: string, mounted: Record<string, string>): string {
    for (const [to, volume] of Object.entries(mounted)) {
      if (path === to || path.startsWith(`${to}/`)) return join(this.dirOf(volume), path.slice(to.length));
    }
    return path;
  }

  /** Runs a setup step's `passerine` command on its volumes; throws with its output when it fails. */
  async runSetup(step: ComposeSetup, cwd: string): Promise<{ stdout: string; stderr: string }> {
    await mkdir(this.root, { recursive: true });
    const args = step.args.map((arg) => this.hostPath(arg, step.volumes));
    const result = await runCli(args, cwd);
    if (result.code !== 0) {
      throw new Error(`${step.service}: passerine ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    }
    return result;
  }

  /**
   * The users file a node's configuration includes, as a path here: nats.conf's include, read
   * beside the config the node is started with (nats-server resolves it so), on the node's volumes.
   * Undefined when its configuration includes nothing.
   */
  includedFile(node: ComposeNatsNode, conf: string): string | undefined {
    const included = /^\s*include\s+"?([^"\s]+)"?/m.exec(conf)?.[1];
    const config = node.args[node.args.indexOf('-c') + 1];
    if (!included || !config) return undefined;
    return this.hostPath(posix.join(posix.dirname(config), included), node.volumes);
  }
}
