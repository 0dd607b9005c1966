import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from '@passerine/subjects';
import { EventArchive, type EventArchiveOptions } from './archive.ts';
import { JetStreamEventLog } from './jetstream-log.ts';

/** The installation's event log, reading through its archive below the stream's first sequence. */
export function eventLogOf(
  nc: NatsConnection,
  names: Names,
  archive: EventArchiveOptions = {},
): JetStreamEventLog {
  return new JetStreamEventLog(nc, {
    stream: names.eventStream,
    archive: new EventArchive(nc, names.archiveBucket, archive),
  });
}
