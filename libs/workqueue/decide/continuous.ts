import { findUnit } from '../lookup.ts';
import type { WorkSpecState } from '../state.ts';
import { WorkSpecStatus } from '../status.ts';

/**
 * Continuous specs, as the original runs them: a get_work that finds a continuous spec without
 * queued units makes new ones (as many as it asks for), and only then — no timer makes them ahead
 * of a worker. With an interval, a get_work that gave out any of its units paces the spec: it
 * gives nothing, queued units included, until the interval has passed.
 */
export function pacedUntil(spec: WorkSpecState): number {
  const m = spec.meta;
  if (!m.continuous || !m.interval || spec.lastContinuousAt === 0) return 0;
  return spec.lastContinuousAt + m.interval * 1000;
}

export function isPaced(spec: WorkSpecState, now: number): boolean {
  return pacedUntil(spec) > now;
}

/** Whether a get_work may make new units of the spec now. */
export function generatesNow(spec: WorkSpecState, now: number): boolean {
  return spec.meta.continuous && spec.meta.status === WorkSpecStatus.RUNNABLE && !isPaced(spec, now);
}

/** Python 2's str() of a float: 12 significant digits, and a float always shows its point. */
function pythonStr(seconds: number): string {
  let text = seconds.toPrecision(12);
  if (text.includes('.')) text = text.replace(/0+$/, '');
  return text.endsWith('.') ? `${text}0` : text;
}

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/**
 * Keys for `count` generated units: the time as the original writes it (str(time.time()), a byte
 * string), which sorts in the order made. The original gave units made within its 10 ms of
 * precision one key; here a key in use takes microsecond digits instead, so each unit is its own.
 */
export function continuousKeys(spec: WorkSpecState, now: number, count: number): Uint8Array[] {
  const keys: Uint8Array[] = [];
  const taken = new Set<string>();
  for (let step = 0; keys.length < count; step++) {
    const text = step === 0 ? pythonStr(now / 1000) : (now / 1000 + step * 1e-6).toFixed(6);
    if (taken.has(text) || findUnit(spec, ascii(text))) continue;
    taken.add(text);
    keys.push(ascii(text));
  }
  return keys;
}
