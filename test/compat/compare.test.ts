import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareExchange, compareScenario } from './compare.ts';
import { keptDifferences } from './kept-differences.ts';
import { render } from './normalise.ts';
import { type Exchange, exchangesOf, readRecording, type ScenarioRecording } from './recordings.ts';
import { readItem, unwrapMessage, type WireItem, wrapMessage } from './wire.ts';

/**
 * The harness's self-test: a recording compared with itself shows no difference, and a
 * deliberately wrong answer — text where bytes were sent, a list where a tuple was, an int where a
 * float was, bytes where a UUID was, an answer where the original refused — makes it fail.
 */
const fixture = (name: string) =>
  readRecording(new URL(`./fixtures/scenarios/${name}.jsonl`, import.meta.url))[0];

/** The response with the first item `pick` chooses in its result replaced by `change(item)`. */
function mutated(
  exchange: Exchange,
  pick: (item: WireItem) => boolean,
  change: (item: WireItem) => WireItem,
): Exchange {
  const message = unwrapMessage(new Uint8Array(Buffer.from(exchange.response_hex, 'hex')));
  let done = false;
  const walk = (item: WireItem): WireItem => {
    if (done) return item;
    if (pick(item)) {
      done = true;
      return change(item);
    }
    switch (item.kind) {
      case 'array':
        return { kind: 'array', items: item.items.map(walk) };
      case 'map':
        return { kind: 'map', entries: item.entries.map(([k, v]) => [k, walk(v)]) };
      case 'tag':
        return { kind: 'tag', tag: item.tag, item: walk(item.item) };
      default:
        return item;
    }
  };
  const changed = walk(message);
  expect(done, 'the fixture has what the mutation needs').toBe(true);
  return { ...exchange, response_hex: Buffer.from(wrapMessage(changed)).toString('hex') };
}

function firstWith(scenario: ScenarioRecording, pick: (item: WireItem) => boolean): Exchange {
  const has = (item: WireItem): boolean =>
    pick(item) ||
    (item.kind === 'array' && item.items.some(has)) ||
    (item.kind === 'map' && item.entries.some(([, v]) => has(v))) ||
    (item.kind === 'tag' && has(item.item));
  const found = exchangesOf(scenario).find(
    (e) => e.response_hex && has(unwrapMessage(new Uint8Array(Buffer.from(e.response_hex, 'hex')))),
  );
  expect(found).toBeDefined();
  return found!;
}

const isTuple = (i: WireItem) => i.kind === 'tag' && i.tag === 128;
const isUuid = (i: WireItem) => i.kind === 'tag' && i.tag === 37;
const isBytes = (i: WireItem) => i.kind === 'bytes' && i.value.length > 0;
const isIntegralFloat = (i: WireItem) => i.kind === 'float' && Number.isInteger(i.value);

describe('the comparison', () => {
  it('finds no difference between a recording and itself', () => {
    for (const name of [
      'units.data_kinds',
      'keys.byte_and_text_keys',
      'tool.flow_and_run_one',
      'work.leases',
    ]) {
      const scenario = fixture(name);
      expect(compareScenario(scenario, scenario).differences).toEqual([]);
    }
  });

  const wrongAnswers: Array<[string, string, (i: WireItem) => boolean, (i: WireItem) => WireItem]> = [
    [
      'text where bytes were sent',
      'keys.byte_and_text_keys',
      isBytes,
      (i) => ({ kind: 'text', value: Buffer.from((i as { value: Uint8Array }).value).toString('latin1') }),
    ],
    ['a list where a tuple was', 'units.add_and_read', isTuple, (i) => (i as { item: WireItem }).item],
    [
      'an int where a float was',
      'units.data_kinds',
      isIntegralFloat,
      (i) => ({ kind: 'int', value: BigInt((i as { value: number }).value) }),
    ],
    ['bytes where a UUID was', 'units.data_kinds', isUuid, (i) => (i as { item: WireItem }).item],
  ];

  it.each(wrongAnswers)('fails on %s', (_what, name, pick, change) => {
    const scenario = fixture(name);
    const exchange = firstWith(scenario, pick);
    const wrong = mutated(exchange, pick, change);
    expect(compareExchange(exchange, exchange)).toBeUndefined();
    expect(compareExchange(exchange, wrong)?.what).toMatch(/answers differ/);
  });

  it('fails on an answer where the original refused, and on a refusal that means something else', () => {
    const refusals = exchangesOf(fixture('admin.refusals')).filter((e) => e.meaning);
    expect(refusals.length).toBeGreaterThan(3);
    const answered = { ...refusals[0], response_hex: exchangesOf(fixture('admin.refusals'))[0].response_hex };
    expect(compareExchange(refusals[0], answered)?.what).toBe(
      'the reference refused, the candidate answered',
    );
    const other = exchangesOf(fixture('admin.refusals')).find((e) => e.client_error && e !== refusals[0]);
    const wrongMeaning = refusals.find((r) => !new RegExp(r.meaning!, 'i').test(other!.client_error!));
    expect(
      compareExchange(wrongMeaning!, { ...wrongMeaning!, response_hex: other!.response_hex })?.what,
    ).toMatch(/the refusal does not say/);
  });

  it('reads times against their own clock, to the minute, and dicts in any order', () => {
    const { item } = readItem(new Uint8Array(Buffer.from('a2656c65617365fb41d4000000000000616101', 'hex')));
    expect(render(item)).toBe("{u'a': 1, u'lease': 1342177280.0}");
    const lease = {
      kind: 'map',
      entries: [
        [
          { kind: 'text', value: 'expires' },
          { kind: 'float', value: 1000.5, width: 8 },
        ],
      ],
    } as WireItem;
    expect(render(lease, 1000)).toBe("{u'expires': <time float now>}");
    expect(render(lease, 700)).toBe("{u'expires': <time float now+5m>}");
  });
});

describe('the differences kept on purpose', () => {
  it('each has its row in the README table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const { why } of keptDifferences) expect(readme).toContain(`| ${why} |`);
  });
});
