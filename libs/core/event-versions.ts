import type { EventEnvelope } from './envelope.ts';
import { CorruptError, EventVersionError, ValidationError } from './errors.ts';

/** Turns the data of one version of an event into the data of the next (up) or previous (down). */
export type DataChange = (data: unknown) => unknown;

/**
 * The versions of one event type. `current` is the version the domain code decides and evolves;
 * `up[n]` turns version n into n + 1 (for every n below current), `down[n]` turns n + 1 into n
 * (for the versions a writer may still have to write while older replicas are members).
 */
export interface EventSchema {
  current: number;
  up?: Readonly<Record<number, DataChange>>;
  down?: Readonly<Record<number, DataChange>>;
}

/** The highest version of each event type a build understands (what a replica announces). */
export type UnderstoodVersions = Readonly<Record<string, number>>;

/**
 * The event versions of a domain: readers upcast what they read to the current version, so an
 * evolve only ever sees that one; writers downcast to the version every replica of the cluster
 * understands. A type without a schema is at version 1 and has nothing to convert.
 *
 * `pins` lower what this process understands and writes (`WorkSpecDeleted: 1`): it then behaves as
 * a build from before that version, refusing newer events — for a rolling upgrade from a release
 * that announces nothing, and to rehearse one.
 */
export class EventVersions {
  private readonly understood = new Map<string, number>();

  constructor(
    private readonly schemas: Readonly<Record<string, EventSchema>>,
    pins: Readonly<Record<string, number>> = {},
  ) {
    for (const [type, schema] of Object.entries(schemas)) {
      for (let n = 1; n < schema.current; n++) {
        if (!schema.up?.[n]) throw new Error(`event ${type} has no upcaster from v${n} to v${n + 1}`);
      }
      this.understood.set(type, schema.current);
    }
    for (const [type, pin] of Object.entries(pins)) {
      const current = this.schemas[type]?.current;
      if (current === undefined) {
        const known = Object.keys(schemas).join(', ') || 'none';
        throw new ValidationError(`no event ${type} has versions to pin (known: ${known})`, { field: type });
      }
      const lowest = this.lowestWritable(type);
      if (!Number.isInteger(pin) || pin < lowest || pin > current) {
        throw new ValidationError(`event ${type} can be pinned to v${lowest} to v${current}, not ${pin}`, {
          field: type,
        });
      }
      this.understood.set(type, pin);
    }
  }

  /** The highest version of `type` this process reads (and may write). */
  understands(type: string): number {
    return this.understood.get(type) ?? 1;
  }

  /** Every type with versions, and the highest this process reads. */
  announcement(): UnderstoodVersions {
    return Object.fromEntries(this.understood);
  }

  /** The version the domain code works in for `type`. */
  current(type: string): number {
    return this.schemas[type]?.current ?? 1;
  }

  /**
   * The event in the current version of its type. An event newer than this process understands
   * throws EventVersionError: applying it as if it were older would corrupt the view.
   */
  upcast<E extends EventEnvelope>(event: E): E {
    const understood = this.understands(event.type);
    if (event.v > understood) throw new EventVersionError(event.type, event.v, understood);
    if (!Number.isInteger(event.v) || event.v < 1) {
      throw new CorruptError(`event ${event.type} has version ${event.v}; versions start at 1`);
    }
    const schema = this.schemas[event.type];
    if (!schema || event.v === schema.current) return event;
    // A pinned process reads versions up to its pin, and works in the current one like the rest.
    let data = event.data;
    for (let n = event.v; n < schema.current; n++) data = schema.up![n](data);
    return { ...event, v: schema.current, data };
  }

  /** The event as version `version` of its type (at most the current one), for older readers. */
  downcast<E extends EventEnvelope>(event: E, version: number): E {
    const schema = this.schemas[event.type];
    if (!schema || version >= event.v) return event;
    if (version < this.lowestWritable(event.type)) {
      throw new Error(
        `event ${event.type} cannot be written as v${version}: nothing converts it below v${this.lowestWritable(event.type)}`,
      );
    }
    let data = event.data;
    for (let n = event.v - 1; n >= version; n--) data = schema.down![n](data);
    return { ...event, v: version, data };
  }

  /** The oldest version of `type` a writer can still produce (the down casts go that far). */
  lowestWritable(type: string): number {
    const schema = this.schemas[type];
    if (!schema) return 1;
    let n = schema.current;
    while (n > 1 && schema.down?.[n - 1]) n--;
    return n;
  }
}
