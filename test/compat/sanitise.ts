import type { Exchange, RecordLine, ScenarioRecording } from './recordings.ts';
import { readItem, type WireItem, writeItem } from './wire.ts';

/**
 * Before a recording becomes a fixture, the places of the machine it was made on leave it: the
 * original's installation, the checkout, the scenario's temporary directory and the server's
 * address (they show in tracebacks a client stored, in a flow's config, in the tool's output)
 * become `<coordinate>`, `<repo>`, `<tmp>` and `<address>`. Every other byte stays as recorded.
 */
export interface Places {
  coordinate: string;
  repo: string;
  tmp?: string;
  address?: string;
}

function replacements(places: Places): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [places.coordinate, '<coordinate>'],
    [places.repo, '<repo>'],
  ];
  if (places.tmp) out.push([places.tmp, '<tmp>']);
  if (places.address) out.push([places.address, '<address>']);
  return out.filter(([from]) => from.length > 0).sort((a, b) => b[0].length - a[0].length);
}

function replaceAll(text: string, pairs: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of pairs) out = out.split(from).join(to);
  return out;
}

function sanitiseItem(item: WireItem, pairs: Array<[string, string]>): WireItem {
  switch (item.kind) {
    case 'text':
      return { kind: 'text', value: replaceAll(item.value, pairs) };
    case 'bytes': {
      const text = Buffer.from(item.value).toString('latin1');
      const changed = replaceAll(text, pairs);
      // An embedded message (tag 24) is bytes holding CBOR: sanitised inside, by the tag's case.
      return changed === text
        ? item
        : { kind: 'bytes', value: new Uint8Array(Buffer.from(changed, 'latin1')) };
    }
    case 'array':
      return { kind: 'array', items: item.items.map((x) => sanitiseItem(x, pairs)) };
    case 'map':
      return {
        kind: 'map',
        entries: item.entries.map(([k, v]) => [sanitiseItem(k, pairs), sanitiseItem(v, pairs)]),
      };
    case 'tag':
      if (item.tag === 24 && item.item.kind === 'bytes') {
        const inner = sanitiseItem(readItem(item.item.value).item, pairs);
        return { kind: 'tag', tag: 24, item: { kind: 'bytes', value: writeItem(inner) } };
      }
      return { kind: 'tag', tag: item.tag, item: sanitiseItem(item.item, pairs) };
    default:
      return item;
  }
}

/** The message bytes (hex) with the places replaced; unchanged bytes when nothing matched. */
export function sanitiseHex(hex: string, places: Places): string {
  if (!hex) return hex;
  const pairs = replacements(places);
  const raw = new Uint8Array(Buffer.from(hex, 'hex'));
  if (!pairs.some(([from]) => Buffer.from(raw).toString('latin1').includes(from))) return hex;
  const { item } = readItem(raw);
  return Buffer.from(writeItem(sanitiseItem(item, pairs))).toString('hex');
}

export function sanitiseRecording(scenario: ScenarioRecording, places: Places): ScenarioRecording {
  const pairs = replacements(places);
  const text = (s: string | null) => (s === null ? null : replaceAll(s, pairs));
  const lines = scenario.lines.map((line): RecordLine => {
    switch (line.type) {
      case 'exchange': {
        const e: Exchange = {
          ...line,
          request_hex: sanitiseHex(line.request_hex, places),
          response_hex: sanitiseHex(line.response_hex, places),
          result: text(line.result),
          client_error: text(line.client_error),
        };
        return e;
      }
      case 'cli':
        return {
          ...line,
          argv: line.argv.map((a) => replaceAll(a, pairs)),
          stdout: replaceAll(line.stdout, pairs),
        };
      case 'crash':
        return { ...line, traceback: replaceAll(line.traceback, pairs) };
      case 'note':
        return { ...line, text: replaceAll(line.text, pairs) };
      default:
        return line;
    }
  });
  return { ...scenario, lines };
}
