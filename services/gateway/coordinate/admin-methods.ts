import { CborMap } from '@passerine/cbor';
import type { MethodGroup } from './method.ts';
import { option, readName, readOptionalNumber, readOptions } from './wire-read.ts';
import { pair, serverDict, serverText } from './wire-write.ts';

/** Namespace-wide methods. */
export function adminMethods(namespace: string): MethodGroup {
  return {
    clear: {
      params: [],
      // A bare count of deleted specs, as the Python server answered.
      run: async (_args, api) => api.call<'clear', number>('clear', {}),
    },

    get_config: {
      params: [],
      // The Python server returned its yakonfig tree; Passerine's config is the namespace and its size.
      run: async (_args, api) => {
        const stats = await api.call<'getConfig', Record<string, number>>('getConfig', {});
        return pair(serverDict([['namespace', serverText(namespace)], ...Object.entries(stats)]));
      },
    },

    archive: {
      params: ['options'],
      optional: 1,
      // The original archives by limits its server is configured with, which by default are none:
      // it answers None and keeps everything. Passerine's own `max_age` option purges finished and
      // failed units older than that many seconds (in one spec with work_spec_name) and answers
      // the number purged.
      run: async ([options], api) => {
        const opts = readOptions(options ?? new CborMap());
        const maxAge = readOptionalNumber(option(opts, 'max_age'), 'max_age');
        if (maxAge === undefined) return null;
        const spec = option(opts, 'work_spec_name');
        return api.call<'archive', number>('archive', {
          maxAgeSeconds: Math.max(0, maxAge),
          spec: spec === undefined || spec === null ? null : readName(spec, 'work_spec_name'),
        });
      },
    },
  };
}
