import { type Clocks, firstDifference, render } from './normalise.ts';
import { type Exchange, exchangesOf, type ScenarioRecording } from './recordings.ts';
import { field, stringOf, unwrapMessage, type WireItem } from './wire.ts';

/** One way the candidate answered otherwise than the reference. */
export interface Difference {
  scenario: string;
  /** 1-based among the scenario's exchanges; 0 for what is not an exchange (a CLI's output). */
  exchange: number;
  method: string;
  phase: 'scenario' | 'state' | 'cli';
  what: string;
  reference: string;
  candidate: string;
}

/** A difference kept on purpose: README's table says what and why. */
export interface KeptDifference {
  scenario: string;
  /** Exchanges by number, or every exchange of this method; `state` reads included. */
  exchanges?: number[];
  method?: string;
  phase?: 'scenario' | 'state' | 'cli';
  /** The README row it belongs to. */
  why: string;
}

export interface ScenarioComparison {
  scenario: string;
  exchanges: number;
  differences: Difference[];
  kept: Array<Difference & { why: string }>;
}

export type Answer = { result: WireItem } | { error: string } | { unreadable: string };

export function answerOf(responseHex: string): Answer {
  if (!responseHex) return { unreadable: 'no response' };
  try {
    const message = unwrapMessage(new Uint8Array(Buffer.from(responseHex, 'hex')));
    const result = field(message, 'result');
    if (result) return { result };
    const error = field(message, 'error');
    return { error: stringOf(error ? field(error, 'message') : undefined) ?? render(message) };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}

function describe(answer: Answer, now?: number): string {
  if ('result' in answer) return render(answer.result, now);
  if ('error' in answer) return `error: ${answer.error.split('\n')[0].slice(0, 300)}`;
  return `unreadable: ${answer.unreadable}`;
}

function requestId(requestHex: string): string | undefined {
  try {
    const id = field(unwrapMessage(new Uint8Array(Buffer.from(requestHex, 'hex'))), 'id');
    return id ? render(id) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compares one exchange; `meaning` is what a refusal must say (from the reference recording),
 * `clocks` when each side's exchange happened, for the times in the answers.
 */
export function compareExchange(
  reference: Exchange,
  candidate: Exchange,
  clocks: Clocks = {},
): Omit<Difference, 'scenario' | 'exchange'> | undefined {
  const base = { method: reference.method, phase: reference.phase };
  if (reference.method !== candidate.method) {
    return {
      ...base,
      what: 'the scenario diverged',
      reference: reference.method,
      candidate: candidate.method,
    };
  }
  const ref = answerOf(reference.response_hex);
  const cand = answerOf(candidate.response_hex);
  if ('unreadable' in ref)
    return {
      ...base,
      what: 'the reference answer is unreadable',
      reference: describe(ref),
      candidate: describe(cand),
    };
  if ('error' in ref) {
    if (!('error' in cand))
      return {
        ...base,
        what: 'the reference refused, the candidate answered',
        reference: describe(ref),
        candidate: describe(cand),
      };
    const meaning = reference.meaning;
    if (meaning === undefined) return undefined;
    if (!new RegExp(meaning, 'i').test(cand.error)) {
      return {
        ...base,
        what: `the refusal does not say /${meaning}/`,
        reference: describe(ref),
        candidate: describe(cand),
      };
    }
    return undefined;
  }
  if (!('result' in cand))
    return {
      ...base,
      what: 'the reference answered, the candidate did not',
      reference: describe(ref),
      candidate: describe(cand),
    };
  const refId = requestId(reference.request_hex);
  const d = firstDifference(ref.result, cand.result, clocks);
  if (!d) return undefined;
  return {
    ...base,
    what: `answers differ at ${d.path}${refId ? ` (request id ${refId})` : ''}`,
    reference: d.reference,
    candidate: d.candidate,
  };
}

function isKept(kept: readonly KeptDifference[], d: Difference): KeptDifference | undefined {
  return kept.find(
    (k) =>
      (k.scenario === d.scenario ||
        (k.scenario.endsWith('*') && d.scenario.startsWith(k.scenario.slice(0, -1)))) &&
      (k.exchanges === undefined || k.exchanges.includes(d.exchange)) &&
      (k.method === undefined || k.method === d.method) &&
      (k.phase === undefined || k.phase === d.phase),
  );
}

/** Lines of tool output, normalised for what two runs cannot share (times, object addresses). */
export function normaliseToolOutput(stdout: string): string {
  return stdout
    .replace(/ at 0x[0-9a-f]+/g, ' at 0x…')
    .replace(/"_NOW": [0-9.e+]+/g, '"_NOW": <time>')
    .replace(/(Expires|Available since): .*/g, '$1: <time>')
    .replace(/\b\d{9,11}\.\d{1,6}\b/g, '<generated key>');
}

/**
 * Compares a scenario's candidate recording with the reference's: every exchange in order (both
 * made the same requests), then, when both ran the tool, its output. Differences listed in `kept`
 * are reported apart.
 */
export function compareScenario(
  reference: ScenarioRecording,
  candidate: ScenarioRecording,
  kept: readonly KeptDifference[] = [],
): ScenarioComparison {
  const out: ScenarioComparison = { scenario: reference.name, exchanges: 0, differences: [], kept: [] };
  const add = (d: Difference) => {
    const k = isKept(kept, d);
    if (k) out.kept.push({ ...d, why: k.why });
    else out.differences.push(d);
  };
  const refs = exchangesOf(reference);
  const cands = exchangesOf(candidate);
  for (let i = 0; i < refs.length; i++) {
    const cand = cands[i];
    if (!cand) {
      add({
        scenario: reference.name,
        exchange: i + 1,
        method: refs[i].method,
        phase: refs[i].phase,
        what: 'the candidate recording stops here',
        reference: refs[i].method,
        candidate: '(nothing)',
      });
      break;
    }
    out.exchanges++;
    const clocks = {
      reference: reference.started === undefined ? undefined : reference.started + refs[i].at,
      candidate: candidate.started === undefined ? undefined : candidate.started + cand.at,
    };
    const d = compareExchange(refs[i], cand, clocks);
    if (d) add({ scenario: reference.name, exchange: i + 1, ...d });
    if (d?.what === 'the scenario diverged') break;
  }
  if (cands.length > refs.length) {
    add({
      scenario: reference.name,
      exchange: refs.length + 1,
      method: cands[refs.length].method,
      phase: cands[refs.length].phase,
      what: 'the candidate made more requests',
      reference: '(nothing)',
      candidate: cands[refs.length].method,
    });
  }
  const tool = (r: ScenarioRecording) => r.lines.filter((l) => l.type === 'cli');
  const refTool = tool(reference);
  const candTool = tool(candidate);
  if (candTool.length > 0) {
    refTool.forEach((r, i) => {
      const c = candTool[i];
      if (r.type !== 'cli' || c?.type !== 'cli') return;
      const a = normaliseToolOutput(r.stdout);
      const b = normaliseToolOutput(c.stdout);
      if (a !== b || r.exit !== c.exit) {
        add({
          scenario: reference.name,
          exchange: 0,
          method: `coordinate ${r.argv.join(' ')}`,
          phase: 'cli',
          what: 'the tool printed otherwise',
          reference: `${a}(exit ${r.exit})`,
          candidate: `${b}(exit ${c.exit})`,
        });
      }
    });
  }
  const crashes = (r: ScenarioRecording) => r.lines.filter((l) => l.type === 'crash').length;
  if (crashes(candidate) > crashes(reference)) {
    const crash = candidate.lines.find((l) => l.type === 'crash');
    add({
      scenario: reference.name,
      exchange: 0,
      method: '(scenario)',
      phase: 'scenario',
      what: 'the client raised against the candidate only',
      reference: '',
      candidate: crash?.type === 'crash' ? crash.traceback.split('\n').slice(-3).join(' ') : '',
    });
  }
  return out;
}
