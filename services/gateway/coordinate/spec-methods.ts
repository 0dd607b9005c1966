import { CborMap, encodedOf, mapGet, Tuple } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';
import { noSuchWorkSpecPlain, pairOrRefusal } from './domain-answers.ts';
import type { MethodGroup } from './method.ts';
import { option, readName, readOptionalBoolean, readOptionalNumber, readOptions } from './wire-read.ts';
import { serverDict, storedValue } from './wire-write.ts';

interface SpecPage {
  specs: Uint8Array[];
  next: string | Uint8Array | null;
}

/** Work spec methods: the spec dict is stored as the bytes the client sent and comes back as sent. */
export const specMethods: MethodGroup = {
  set_work_spec: {
    params: ['work_spec'],
    run: async ([spec], api) => {
      if (!(spec instanceof CborMap))
        throw new ValidationError('work_spec must be a dict', { field: 'work_spec' });
      if (mapGet(spec, 'name') === undefined) {
        throw new ValidationError("work_spec must have a 'name'", { field: 'name' });
      }
      return pairOrRefusal(false, async () => {
        await api.call('setWorkSpec', { spec: encodedOf(spec) });
        return true;
      });
    },
  },

  del_work_spec: {
    params: ['work_spec_name'],
    run: async ([name], api) => {
      const spec = readName(name, 'work_spec_name');
      return pairOrRefusal(false, async () => {
        await api.call('delWorkSpec', { name: spec });
        return true;
      });
    },
  },

  get_work_spec: {
    params: ['work_spec_name'],
    run: async ([name], api) =>
      storedValue(
        await api.call<'getWorkSpec', Uint8Array | null>('getWorkSpec', {
          name: readName(name, 'work_spec_name'),
        }),
      ),
  },

  list_work_specs: {
    params: ['options'],
    run: async ([options], api) => {
      const opts = readOptions(options);
      const start = option(opts, 'start');
      if (
        start !== undefined &&
        start !== null &&
        typeof start !== 'string' &&
        !(start instanceof Uint8Array)
      ) {
        throw new ValidationError('start must be a work spec name', { field: 'start' });
      }
      const limit = readOptionalNumber(option(opts, 'limit'), 'limit');
      const page = await api.call<'listWorkSpecs', SpecPage>('listWorkSpecs', {
        start: start ?? null,
        limit: limit === undefined ? null : Math.max(0, Math.floor(limit)),
      });
      // list_work_specs answers ([spec...], next) as one tuple, with no message.
      return new Tuple([page.specs.map(storedValue), page.next]);
    },
  },

  control_work_spec: {
    params: ['work_spec_name', 'options'],
    run: async ([name, options], api) => {
      const spec = readName(name, 'work_spec_name');
      const opts = readOptions(options);
      const status = readOptionalNumber(option(opts, 'status'), 'status');
      if (status !== undefined && status !== 1 && status !== 2) {
        throw new ValidationError('status must be 1 (runnable) or 2 (paused)', { field: 'status' });
      }
      const changes = {
        status: status as 1 | 2 | undefined,
        continuous: readOptionalBoolean(option(opts, 'continuous'), 'continuous'),
        weight: readOptionalNumber(option(opts, 'weight'), 'weight'),
        interval: readOptionalNumber(option(opts, 'interval'), 'interval'),
        max_running: readOptionalNumber(option(opts, 'max_running'), 'max_running'),
      };
      return pairOrRefusal(
        false,
        async () => {
          await api.call('controlWorkSpec', { name: spec, changes: withoutUndefined(changes) });
          return true;
        },
        noSuchWorkSpecPlain(spec),
      );
    },
  },

  get_work_spec_meta: {
    params: ['work_spec_name'],
    run: async ([name], api) => {
      const spec = readName(name, 'work_spec_name');
      return pairOrRefusal(
        null,
        async () => {
          const meta = await api.call<'getWorkSpecMeta', Record<string, number | boolean | null>>(
            'getWorkSpecMeta',
            { name: spec },
          );
          return serverDict(
            ['status', 'continuous', 'interval', 'max_running', 'weight'].map((k) => [k, meta[k]] as const),
          );
        },
        noSuchWorkSpecPlain(spec),
      );
    },
  },
};

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}
