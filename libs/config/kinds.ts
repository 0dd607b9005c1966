import { z } from 'zod';

/**
 * What a setting's text may be, and what it becomes. `accepts` ends the error sentence ("... must be
 * a whole number from 1 to 5") and fills the README's "accepted" column, so the two cannot differ.
 */
export interface Kind<T> {
  readonly accepts: string;
  /** From the text of a variable or flag to the value; fails on anything `accepts` does not cover. */
  readonly schema: z.ZodType<T, string>;
  /**
   * Whether an empty variable counts as unset (`VAR=` in a compose file or shell). Lists are the
   * exception: there an empty value is a list of none.
   */
  readonly emptyIsUnset: boolean;
}

function kind<T>(accepts: string, schema: z.ZodType<T, string>, emptyIsUnset = true): Kind<T> {
  return { accepts, schema, emptyIsUnset };
}

const WHOLE = /^[+-]?\d+$/;

/** 1234567 → "1,234,567": ranges read better with separators. */
const n = (value: number) => value.toLocaleString('en-US');

export function integer(min: number, max: number): Kind<number> {
  return kind(
    `a whole number from ${n(min)} to ${n(max)}`,
    z.string().regex(WHOLE).transform(Number).pipe(z.number().int().min(min).max(max)),
  );
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative number, fractions allowed (a node's cpus: 0.5 is half a core). */
export function amount(min: number, max: number): Kind<number> {
  return kind(
    `a number from ${n(min)} to ${n(max)} (fractions allowed)`,
    z.string().regex(DECIMAL).transform(Number).pipe(z.number().min(min).max(max)),
  );
}

/** Milliseconds, as the `_MS` variables have always taken them. */
export function duration(minMs: number, maxMs: number): Kind<number> {
  return kind(
    `a whole number of milliseconds from ${n(minMs)} to ${n(maxMs)}`,
    z.string().regex(WHOLE).transform(Number).pipe(z.number().int().min(minMs).max(maxMs)),
  );
}

/** A TCP port; `special` is the one number outside 1-65535 that is also accepted, and what it means. */
export function port(special?: { value: number; means: string }): Kind<number> {
  const plain = z.number().int().min(1).max(65_535);
  const accepted = special ? z.union([plain, z.literal(special.value)]) : plain;
  return kind(
    special ? `a port from 1 to 65535, or ${special.value} for ${special.means}` : 'a port from 1 to 65535',
    z.string().regex(WHOLE).transform(Number).pipe(accepted),
  );
}

/** One of a fixed set of words. */
export function oneOf<const V extends string>(values: readonly [V, ...V[]]): Kind<V> {
  return kind(`one of ${values.join(', ')}`, z.enum(values));
}

/** Text matching a pattern, for names and ids; `accepts` says the pattern in words. */
export function pattern(regex: RegExp, accepts: string): Kind<string> {
  return kind(accepts, z.string().regex(regex));
}

/** Text some other module's rule accepts; `valid` is that rule, so it is stated once. */
export function checked(accepts: string, valid: (text: string) => boolean): Kind<string> {
  return kind(accepts, z.string().refine(valid));
}

/** A path or a command name looked up on PATH. */
export function command(): Kind<string> {
  return kind('a path or a command name on PATH', z.string().min(1));
}

/** An address to listen on. */
export function host(): Kind<string> {
  return kind('an IPv4 or IPv6 address or a host name', z.union([z.ipv4(), z.ipv6(), z.hostname()]));
}

/** nats.js takes host:port without a scheme as nats://host:port. */
function isNatsUrl(text: string): boolean {
  const full = text.includes('://') ? text : `nats://${text}`;
  if (!URL.canParse(full)) return false;
  const url = new URL(full);
  return (url.protocol === 'nats:' || url.protocol === 'tls:') && url.hostname !== '';
}

/**
 * NATS servers as nats.js takes them: one URL, or a comma-separated list of a cluster's. The items
 * are handed on as written (trimmed), the scheme left out where it was.
 */
export function natsUrls(): Kind<string> {
  return kind(
    'a NATS URL (nats://host:port, tls://host:port or host:port) or a comma-separated list of them',
    z
      .string()
      .transform((text) => text.split(',').map((item) => item.trim()))
      .pipe(z.array(z.string().refine(isNatsUrl)).min(1))
      .transform((urls) => urls.join(',')),
  );
}

/** Comma-separated items of `item`; blanks around items are dropped, and an empty text is no items. */
export function list(item: Kind<string>, most: number): Kind<string[]> {
  return kind(
    `a comma-separated list of at most ${n(most)} items, each ${item.accepts} (empty for none)`,
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      )
      .pipe(z.array(item.schema).max(most)),
    false,
  );
}

const labelPair = /^([^=\s][^=]*?)\s*=\s*(.*)$/;

/** `key=value` pairs, comma-separated: a node's labels that constraints match. Each key once. */
export function labels(): Kind<Record<string, string>> {
  return kind(
    'comma-separated key=value pairs with distinct non-empty keys (e.g. zone=a,gpu=yes)',
    z.string().transform((text, ctx) => {
      const map: Record<string, string> = {};
      for (const pair of text.split(',').map((p) => p.trim())) {
        if (pair === '') continue;
        const match = labelPair.exec(pair);
        if (!match || Object.hasOwn(map, match[1])) {
          ctx.addIssue({ code: 'custom', message: `bad pair ${pair}` });
          return z.NEVER;
        }
        map[match[1]] = match[2];
      }
      return map;
    }),
  );
}

const ON = ['1', 'true', 'yes', 'on'];
const OFF = ['0', 'false', 'no', 'off'];

/** A switch: 1/true/yes/on or 0/false/no/off. */
export function onOff(): Kind<boolean> {
  return kind(
    `one of ${[...ON, ...OFF].join(', ')}`,
    z
      .string()
      .transform((text) => text.toLowerCase())
      .pipe(z.enum([...ON, ...OFF]))
      .transform((text) => ON.includes(text)),
  );
}
