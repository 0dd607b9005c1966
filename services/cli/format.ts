import type { LogRecord } from '@passerine/eventlog';
import { readableJson } from './events/readable.ts';

/** JSON of event data, bytes readable (encoded data decoded, the rest in the CLI's lossless form). */
export const toJson = readableJson;

/** One line per event: `#seq time subject Type {data}`; corrupt messages are shown, not hidden. */
export function formatRecord(record: LogRecord, json: boolean): string[] {
  const time = new Date(record.time).toISOString();
  if (record.kind === 'corrupt') {
    return [json ? toJson(record) : `#${record.seq} ${time} ${record.subject} CORRUPT ${record.reason}`];
  }
  return record.events.map((event, index) =>
    json
      ? toJson({ seq: record.seq, index, subject: record.subject, stored: record.time, ...event })
      : `#${record.seq}${record.events.length > 1 ? `.${index}` : ''} ${time} ${record.subject} ${event.type}${event.v > 1 ? `@v${event.v}` : ''} ${toJson(event.data)}`,
  );
}

/** `--until` takes a sequence number or a time (ISO 8601 or anything Date parses). */
export function parseUntil(text: string): { untilSeq?: number; untilTime?: number } {
  if (/^\d+$/.test(text)) return { untilSeq: Number(text) };
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new Error(`--until ${JSON.stringify(text)} is neither a sequence number nor a time`);
  return { untilTime: time };
}
