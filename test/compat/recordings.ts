import { readFileSync } from 'node:fs';

/** One line of a recording (test/compat/coordinate/record.py writes them). */
export type RecordLine =
  | { type: 'scenario'; scenario: string; doc: string; address?: string; tmp?: string; started?: number }
  | {
      type: 'exchange';
      scenario: string;
      phase: 'scenario' | 'state';
      conn: number;
      method: string;
      request_hex: string;
      response_hex: string;
      result: string | null;
      client_error: string | null;
      meaning?: string;
      at: number;
    }
  | { type: 'pause'; scenario: string; seconds: number }
  | { type: 'cli'; scenario: string; argv: string[]; stdout: string; exit: number | null }
  | { type: 'note'; scenario: string; text: string }
  | { type: 'crash'; scenario: string; traceback: string };

export type Exchange = Extract<RecordLine, { type: 'exchange' }>;

export interface ScenarioRecording {
  name: string;
  doc: string;
  /** Where the server was and the scenario's temporary directory (absent from fixtures). */
  address?: string;
  tmp?: string;
  /** When it started (epoch seconds); an exchange's `at` counts from here. */
  started?: number;
  lines: RecordLine[];
}

export function parseRecording(text: string): ScenarioRecording[] {
  const byName = new Map<string, ScenarioRecording>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as RecordLine;
    let scenario = byName.get(record.scenario);
    if (!scenario) {
      scenario = { name: record.scenario, doc: '', lines: [] };
      byName.set(record.scenario, scenario);
    }
    if (record.type === 'scenario') {
      const { doc, address, tmp, started } = record;
      Object.assign(scenario, { doc, address, tmp, started });
    } else scenario.lines.push(record);
  }
  return [...byName.values()];
}

export function readRecording(path: string | URL): ScenarioRecording[] {
  return parseRecording(readFileSync(path, 'utf8'));
}

export function exchangesOf(scenario: ScenarioRecording): Exchange[] {
  return scenario.lines.filter((l): l is Exchange => l.type === 'exchange');
}

export function toJsonLines(scenario: ScenarioRecording): string {
  const header = { type: 'scenario', scenario: scenario.name, doc: scenario.doc, started: scenario.started };
  return [header, ...scenario.lines].map((l) => `${JSON.stringify(l)}\n`).join('');
}
