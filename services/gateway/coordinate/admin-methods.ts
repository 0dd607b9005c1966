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
      // Purges finished and failed units older than max_age seconds (all of them by default), in
      // one spec when work_spec_name is given; answers the number purged.
      run: async ([options], api) => {
        const opts = readOptions(options);
        const spec = option(opts, 'work_spec_name');
        return api.call<'archive', number>('archive', {
          maxAgeSeconds: Math.max(0, readOptionalNumber(option(opts, 'max_age'), 'max_age') ?? 0),
          spec: spec === undefined || spec === null ? null : readName(spec, 'work_spec_name'),
        });
      },
    },
  };
}
