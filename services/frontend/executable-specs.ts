import { decodeValue, isCborMap, mapGet } from '@passerine/cbor';
import type { WorkQueueClient } from '@passerine/client';
import type { Logger } from '@passerine/core';
import { type Name, nameText, type RunnerSpec, readRunner, readSpecSettings } from '@passerine/workqueue-api';

/** A work spec that names a runner, as the pump needs it. */
export interface ExecutableSpec {
  name: Name;
  runner: RunnerSpec;
  /** The spec's max_retries: a failed command is retried this many times (0: it fails at once). */
  maxRetries: number;
  priority: number;
}

interface SpecPage {
  specs: Uint8Array[];
  next: Name | null;
}

const PAGE = 500;

/**
 * Reads the namespace's executable specs. A spec whose runner no longer reads (set before a rule
 * changed) is logged and left out rather than stopping the others; set_work_spec refuses new ones.
 */
export async function readExecutableSpecs(client: WorkQueueClient, logger: Logger): Promise<ExecutableSpec[]> {
  const out: ExecutableSpec[] = [];
  let start: Name | null = null;
  do {
    const page: SpecPage = await client.call<'listWorkSpecs', SpecPage>('listWorkSpecs', { start, limit: PAGE });
    for (const bytes of page.specs) {
      const spec = decodeValue(bytes);
      if (!isCborMap(spec)) continue;
      try {
        const runner = readRunner(spec);
        if (!runner) continue;
        const settings = readSpecSettings(bytes);
        out.push({ name: settings.name, runner, maxRetries: settings.max_retries, priority: settings.priority });
      } catch (err) {
        const name = mapGet(spec, 'name');
        const specName = typeof name === 'string' || name instanceof Uint8Array ? nameText(name) : '?';
        logger.warn({ err, spec: specName }, 'work spec runner unreadable; not pumped');
      }
    }
    start = page.next;
  } while (start !== null);
  return out;
}
