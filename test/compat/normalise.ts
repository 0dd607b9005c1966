import { type WireItem, stringOf } from './wire.ts';

/**
 * How two servers' answers are compared: rendered the way a Python 2 client sees them (b'x' is a
 * byte string, u'x' a text string, (x,) a tuple, [x] a list, 1 an int, 1.0 a float, UUID('…')),
 * after this normalisation, and nothing else:
 *
 * - dicts are compared whatever their order (a Python 2 dict has none; the client reads it as one);
 * - times — a number under the keys below — are shown against the clock of their exchange, to
 *   the minute: `<time now>` within half a minute, `<time now+5m>` for a 300 s lease (two servers,
 *   two clocks, but a lease of a day is not one of five minutes); an int there still differs from
 *   a float;
 * - keys a continuous spec generated from the clock (`str(time.time())`: '1764628800.25') are
 *   `<generated key>`, their kind (bytes or text) kept; a replay hands the candidate's own key on
 *   to the requests that echo it;
 * - error answers are compared by meaning: the original's message is a Python repr and traceback,
 *   so a refusal matches when the candidate also refuses and its message says what the scenario
 *   says a refusal must (see harness.py's refuse).
 *
 * Not normalised, because the recorder fixes them (recording.py): worker ids, the worker
 * environment's host names and memory figures. Recordings kept as fixtures have the original's
 * installation path and the checkout's path replaced in tracebacks (sanitise.ts).
 */
export const TIME_KEYS = ['expires', 'expiration', 'age_seconds', '_NOW'];
const GENERATED_KEY = /^\d{9,11}(\.\d{1,6})?$/;

export function isGeneratedKey(item: WireItem): boolean {
  return (item.kind === 'bytes' || item.kind === 'text') && GENERATED_KEY.test(stringOf(item)!);
}

function quote(s: string): string {
  let out = "'";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u{${code.toString(16)}}`;
  }
  return `${out}'`;
}

function floatText(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '-0.0';
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
}

function uuidText(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `UUID('${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}')`;
}

/** A time against `now` (epoch seconds of its exchange), to the minute; unknown `now`: `<time>`. */
function timeText(kind: 'int' | 'float', seconds: number, now: number | undefined): string {
  if (now === undefined) return `<time ${kind}>`;
  const delta = seconds - now;
  if (Math.abs(delta) < 30) return `<time ${kind} now>`;
  const minutes = Math.round(delta / 60);
  return `<time ${kind} now${minutes >= 0 ? '+' : ''}${minutes}m>`;
}

/**
 * The item as a Python 2 client would print it, normalised as described above; `now` is when
 * its exchange happened (epoch seconds), for the times in it.
 */
export function render(item: WireItem, now?: number, underTimeKey = false): string {
  switch (item.kind) {
    case 'int':
      return underTimeKey ? timeText('int', Number(item.value), now) : item.value.toString();
    case 'float':
      return underTimeKey ? timeText('float', item.value, now) : floatText(item.value);
    case 'bytes':
      return isGeneratedKey(item)
        ? "b'<generated key>'"
        : `b${quote(Buffer.from(item.value).toString('latin1'))}`;
    case 'text':
      return isGeneratedKey(item) ? "u'<generated key>'" : `u${quote(item.value)}`;
    case 'array':
      return `[${item.items.map((x) => render(x, now)).join(', ')}]`;
    case 'map': {
      const entries = item.entries.map(([k, v]) => {
        const timed = TIME_KEYS.includes(stringOf(k) ?? '');
        return `${render(k, now)}: ${render(v, now, timed && (v.kind === 'int' || v.kind === 'float'))}`;
      });
      return `{${entries.sort().join(', ')}}`;
    }
    case 'tag':
      if (item.tag === 128 && item.item.kind === 'array') {
        const parts = item.item.items.map((x) => render(x, now));
        return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
      }
      if (item.tag === 37 && item.item.kind === 'bytes' && item.item.value.length === 16) {
        return uuidText(item.item.value);
      }
      return `Tag(${item.tag}, ${render(item.item, now)})`;
    case 'simple':
      return item.value === true
        ? 'True'
        : item.value === false
          ? 'False'
          : item.value === null
            ? 'None'
            : 'undefined';
  }
}

/** When each side's exchange happened (epoch seconds), for their times. */
export interface Clocks {
  reference?: number;
  candidate?: number;
}

/**
 * Where two items first differ after normalisation (a path like [0][2]{b'data'}), with both sides
 * rendered there; undefined when they are equal.
 */
export function firstDifference(
  a: WireItem,
  b: WireItem,
  clocks: Clocks = {},
  path = '',
  underTimeKey = false,
): { path: string; reference: string; candidate: string } | undefined {
  const ra = render(a, clocks.reference, underTimeKey);
  const rb = render(b, clocks.candidate, underTimeKey);
  if (ra === rb) return undefined;
  const here = { path: path || '(whole)', reference: ra, candidate: rb };
  const listOf = (x: WireItem) =>
    x.kind === 'array'
      ? x.items
      : x.kind === 'tag' && x.tag === 128 && x.item.kind === 'array'
        ? x.item.items
        : null;
  const la = listOf(a);
  const lb = listOf(b);
  if (la && lb && la.length === lb.length && a.kind === b.kind) {
    for (let i = 0; i < la.length; i++) {
      const d = firstDifference(la[i], lb[i], clocks, `${path}[${i}]`);
      if (d) return d;
    }
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const byKey = (m: typeof a) => new Map(m.entries.map(([k, v]) => [render(k), { k, v }] as const));
    const ma = byKey(a);
    const mb = byKey(b);
    const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
    for (const k of keys) {
      const ea = ma.get(k);
      const eb = mb.get(k);
      if (!ea || !eb) {
        return {
          path: `${path}{${k}}`,
          reference: ea ? render(ea.v, clocks.reference) : '(absent)',
          candidate: eb ? render(eb.v, clocks.candidate) : '(absent)',
        };
      }
      const timed = TIME_KEYS.includes(stringOf(ea.k) ?? '');
      const isNumber = (x: WireItem) => x.kind === 'int' || x.kind === 'float';
      const d = firstDifference(
        ea.v,
        eb.v,
        clocks,
        `${path}{${k}}`,
        timed && isNumber(ea.v) && isNumber(eb.v),
      );
      if (d) return d;
    }
  }
  return here;
}
