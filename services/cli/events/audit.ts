import type { EventEnvelope } from '@passerine/core';
import { canonicalName, type Name, type WorkQueueEventData, workQueueVersions } from '@passerine/workqueue';
import { showName } from '../workqueue/names.ts';
import { jobEventInWords } from './job-words.ts';

/** Whose history `passerine events audit` prints. */
export type AuditTarget =
  | { kind: 'unit'; spec: string; key: Name }
  | { kind: 'worker'; id: string }
  | { kind: 'job'; id: string };

export interface AuditLine {
  seq: number;
  time: number;
  who: string;
  what: string;
  type: string;
}

const statusWords: Record<number, string> = {
  1: 'available',
  2: 'blocked',
  3: 'pending',
  4: 'finished',
  5: 'failed',
};

/** A spec named on the command line is text; Python 2 clients name theirs with the same UTF-8 as bytes. */
function sameSpec(name: Name, text: string): boolean {
  return typeof name === 'string' ? name === text : Buffer.from(name).equals(Buffer.from(text, 'utf8'));
}

function firstLine(text: string | undefined): string {
  const lines = (text ?? '').trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

const at = (ms: number) => new Date(ms).toISOString();

type Data<T extends keyof WorkQueueEventData> = WorkQueueEventData[T];

const versions = workQueueVersions();

/**
 * Reads events in log order and says, in words, those that concern one unit, worker or job. It
 * follows what it needs to tell (a unit's attempts and status, a worker's attempts), nothing more.
 */
export class Auditor {
  /** Attempts of the audited unit or worker, by id: the worker holding it, and its unit. */
  private readonly attempts = new Map<string, { worker: string; spec: Name; key: Name }>();
  private status = 0;
  private endedAt = 0;
  private readonly key?: string;

  constructor(private readonly target: AuditTarget) {
    if (target.kind === 'unit') this.key = canonicalName(target.key);
  }

  see(seq: number, read: EventEnvelope): AuditLine | null {
    // Work-queue events of older versions are told in the current one's words.
    const event = this.target.kind === 'job' ? read : versions.upcast(read);
    const said = this.words(event);
    return said ? { seq, time: event.time, type: event.type, ...said } : null;
  }

  private words(event: EventEnvelope): { who: string; what: string } | null {
    if (this.target.kind === 'job') return jobEventInWords(event);
    return this.target.kind === 'unit' ? this.unitWords(event) : this.workerWords(event);
  }

  private isUnit(spec: Name, key: Name): boolean {
    const t = this.target as Extract<AuditTarget, { kind: 'unit' }>;
    return sameSpec(spec, t.spec) && canonicalName(key) === this.key;
  }

  private setStatus(status: number, time: number): void {
    this.status = status;
    if (status === 4 || status === 5) this.endedAt = time;
  }

  private unitWords(event: EventEnvelope): { who: string; what: string } | null {
    const t = this.target as Extract<AuditTarget, { kind: 'unit' }>;
    const d = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'WorkUnitsAdded': {
        const data = d as Data<'WorkUnitsAdded'>;
        const unit = sameSpec(data.spec, t.spec)
          ? data.units.find((u) => canonicalName(u.key) === this.key)
          : undefined;
        if (!unit) return null;
        const again = this.status !== 0 ? ' again (any attempt abandoned)' : '';
        this.setStatus(1, event.time);
        return {
          who: data.continuous ? 'store' : 'client',
          what: `added${again} with priority ${unit.priority}`,
        };
      }
      case 'WorkUnitsPrioritized': {
        const data = d as Data<'WorkUnitsPrioritized'>;
        if (!sameSpec(data.spec, t.spec) || !data.keys.some((k) => canonicalName(k) === this.key))
          return null;
        const what =
          data.priority !== undefined
            ? `priority set to ${data.priority}`
            : `priority adjusted by ${data.adjustment}`;
        return { who: 'client', what };
      }
      case 'WorkUnitsDeleted': {
        const data = d as Data<'WorkUnitsDeleted'>;
        if (!sameSpec(data.spec, t.spec) || this.status === 0) return null;
        const hit =
          data.all ||
          (data.keys?.some((k) => canonicalName(k) === this.key) ?? false) ||
          (!data.keys && (data.statuses?.includes(this.status) ?? false));
        if (!hit) return null;
        this.status = 0;
        return {
          who: 'client',
          what: `deleted (${data.all ? 'every unit of the spec' : 'with others'}, ${data.count} in all)`,
        };
      }
      case 'WorkUnitStatusSet': {
        const data = d as Data<'WorkUnitStatusSet'>;
        if (!this.isUnit(data.spec, data.key)) return null;
        this.setStatus(data.status, event.time);
        const why = data.traceback ? `: ${firstLine(data.traceback)}` : '';
        return { who: 'client', what: `status set to ${statusWords[data.status]} outside any attempt${why}` };
      }
      case 'AttemptsStarted': {
        const data = d as Data<'AttemptsStarted'>;
        if (!sameSpec(data.spec, t.spec)) return null;
        const attempt = data.attempts.find((a) => canonicalName(a.key) === this.key);
        if (!attempt) return null;
        this.attempts.set(attempt.id, { worker: data.workerId, spec: data.spec, key: attempt.key });
        this.setStatus(3, event.time);
        return {
          who: `worker ${data.workerId}`,
          what: `took it (attempt ${attempt.id}), lease until ${at(data.expiresAt)}`,
        };
      }
      case 'AttemptsExpired': {
        const data = d as Data<'AttemptsExpired'>;
        const mine = data.attempts.find((a) => this.isUnit(a.spec, a.key));
        if (!mine) return null;
        this.setStatus(mine.traceback ? 5 : 1, event.time);
        const why = data.reason === 'lease' ? 'its lease ran out' : 'its worker expired';
        const then = mine.traceback ? `; failed: ${firstLine(mine.traceback)}` : '; available again';
        return { who: 'store', what: `attempt ${mine.id} expired (${why})${then}` };
      }
      case 'UnitsReleased': {
        const data = d as Data<'UnitsReleased'>;
        if (!data.units.some((u) => this.isUnit(u.spec, u.key))) return null;
        return { who: 'store', what: 'retry delay over: may run again' };
      }
      case 'UnitsArchived': {
        const data = d as Data<'UnitsArchived'>;
        if (data.spec !== undefined && !sameSpec(data.spec, t.spec)) return null;
        if ((this.status !== 4 && this.status !== 5) || this.endedAt >= data.before) return null;
        this.status = 0;
        return { who: 'client', what: `archived (units ended before ${at(data.before)})` };
      }
      case 'WorkSpecDeleted': {
        const data = d as Data<'WorkSpecDeleted'>;
        if (!sameSpec(data.spec, t.spec) || this.status === 0) return null;
        this.status = 0;
        return { who: 'client', what: 'gone with its work spec, deleted' };
      }
      case 'NamespaceCleared':
        if (this.status === 0) return null;
        this.status = 0;
        return { who: 'client', what: 'gone with the namespace, cleared' };
    }
    return this.attemptEnd(event, (attempt) => this.isUnit(attempt.spec, attempt.key));
  }

  /** Renewal and ends of an attempt this audit follows. */
  private attemptEnd(
    event: EventEnvelope,
    concerns: (attempt: { spec: Name; key: Name }) => boolean,
  ): { who: string; what: string } | null {
    const d = event.data as {
      id?: string;
      spec?: Name;
      key?: Name;
      traceback?: string;
      expiresAt?: number;
      availableAt?: number;
    };
    const attempt = d.id ? this.attempts.get(d.id) : undefined;
    if (!attempt || !concerns(attempt)) return null;
    const who = `worker ${attempt.worker}`;
    const unit = this.target.kind === 'worker' ? ` ${showName(attempt.spec)} ${showName(attempt.key)}` : '';
    switch (event.type) {
      case 'AttemptRenewed':
        return { who, what: `renewed attempt ${d.id}${unit} until ${at(d.expiresAt!)}` };
      case 'AttemptFinished':
        this.setStatus(4, event.time);
        return { who, what: `finished attempt ${d.id}${unit}` };
      case 'AttemptFailed':
        this.setStatus(5, event.time);
        return { who, what: `failed attempt ${d.id}${unit}: ${firstLine(d.traceback) || 'no traceback'}` };
      case 'AttemptRetried':
        this.setStatus(1, event.time);
        return { who, what: `gave back attempt ${d.id}${unit} for a retry from ${at(d.availableAt!)}` };
    }
    return null;
  }

  private workerWords(event: EventEnvelope): { who: string; what: string } | null {
    const id = (this.target as Extract<AuditTarget, { kind: 'worker' }>).id;
    const d = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'WorkerHeartbeat': {
        const data = d as Data<'WorkerHeartbeat'>;
        if (data.workerId !== id) return null;
        const mode = data.mode === null ? 'no mode' : `mode ${showName(data.mode)}`;
        const parent = data.parent ? `, child of ${data.parent}` : '';
        const expires = data.expiresAt ? `, expires ${at(data.expiresAt)}` : '';
        return { who: `worker ${id}`, what: `heartbeat: ${mode}${parent}${expires}` };
      }
      case 'WorkerUnregistered':
        return (d as Data<'WorkerUnregistered'>).workerId === id
          ? { who: `worker ${id}`, what: 'unregistered' }
          : null;
      case 'WorkersExpired':
        return (d as Data<'WorkersExpired'>).workerIds.includes(id)
          ? { who: 'store', what: 'expired: no heartbeat in time' }
          : null;
      case 'AttemptsStarted': {
        const data = d as Data<'AttemptsStarted'>;
        if (data.workerId !== id) return null;
        for (const a of data.attempts) this.attempts.set(a.id, { worker: id, spec: data.spec, key: a.key });
        const keys = data.attempts.map((a) => `${showName(a.key)} (attempt ${a.id})`).join(', ');
        return { who: `worker ${id}`, what: `took from ${showName(data.spec)}: ${keys || 'nothing'}` };
      }
      case 'AttemptsExpired': {
        const data = d as Data<'AttemptsExpired'>;
        const mine = data.attempts.filter((a) => this.attempts.has(a.id));
        if (mine.length === 0) return null;
        return {
          who: 'store',
          what: `attempts ${mine.map((a) => a.id).join(', ')} expired (${data.reason === 'lease' ? 'lease ran out' : 'worker expired'})`,
        };
      }
    }
    return this.attemptEnd(event, () => true);
  }
}
