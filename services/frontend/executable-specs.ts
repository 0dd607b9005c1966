import { decodeValue, isCborMap, mapGet } from '@passerine/cbor';
import type { WorkQueueClient } from '@passerine/client';
import type { Logger } from '@passerine/core';
import { type ExecutableSpec, readExecutableSpec } from '@passerine/executable-specs';
import { type Name, nameText } from '@passerine/workqueue-api';

interface SpecPage {
  specs: Uint8Array[];
  next: Name | null;
}

const PAGE = 500;

/**
 * Reads the namespace's executable specs. A spec whose runner no longer reads (set before a rule
 * changed) is logged and left out rather than stopping the others; set_work_spec refuses new ones.
 */
export async function readExecutableSpecs(
  client: WorkQueueClient,
  logger: Logger,
): Promise<ExecutableSpec[]> {
  const out: ExecutableSpec[] = [];
  let start: Name | null = null;
  do {
    const page: SpecPage = await client.call<'listWorkSpecs', SpecPage>('listWorkSpecs', {
      start,
      limit: PAGE,
    });
    for (const bytes of page.specs) {
      try {
        const spec = readExecutableSpec(bytes);
        if (spec) out.push(spec);
      } catch (err) {
        logger.warn({ err, spec: specNameOf(bytes) }, 'work spec runner unreadable; not pumped');
      }
    }
    start = page.next;
  } while (start !== null);
  return out;
}

/** The spec's name for a log line, whatever else is wrong with it. */
function specNameOf(bytes: Uint8Array): string {
  const spec = decodeValue(bytes);
  const name = isCborMap(spec) ? mapGet(spec, 'name') : undefined;
  return typeof name === 'string' || name instanceof Uint8Array ? nameText(name) : '?';
}
