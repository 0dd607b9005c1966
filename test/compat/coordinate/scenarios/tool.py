# -*- coding: utf-8 -*-
'''Every subcommand of the original `coordinate` tool (coordinatec), as a user types it.'''
from __future__ import absolute_import
import json

from coordinate.constants import FAILED


def _units_file(h, name, units):
    return h.file(name, ''.join(json.dumps({k: v}) + '\n' for k, v in units))


def s_load_and_inspect(h):
    '''load, addwork, summary, status, work_specs, work_spec, work_units, work_unit, config,
    worker_stats, workers, rpc.'''
    spec = h.yaml_file('spec.yaml', {'name': 'crawl', 'min_gb': 1, 'module': 'jobs',
                                     'run_function': 'ok', 'then': 'index'})
    h.yaml_file('index.yaml', {'name': 'index', 'min_gb': 1, 'module': 'jobs',
                               'run_function': 'ok'})
    _units_file(h, 'units.json', [('page/a', {'depth': 0}), ('page/b', {'depth': 1}),
                                  ('page/c', {u'title': u'ünï'})])
    _units_file(h, 'more.json', [('extra-1', {}), ('extra-2', {'x': [1, 2]})])
    h.cli('load', '-w', spec, '-u', '{tmp}/units.json')
    h.cli('load', '-w', '{tmp}/index.yaml', '--no-work', '-n', '3')
    h.cli('addwork', '-W', 'crawl', '-u', '{tmp}/more.json')
    h.cli('addwork', '-w', spec, '-u', '{tmp}/more.json')
    h.cli('summary')
    h.cli('summary', '--json')
    h.cli('status', '-W', 'crawl')
    h.cli('status', '-w', spec)
    h.cli('work_specs')
    h.cli('work_spec', '-W', 'crawl')
    h.cli('work_spec', '-W', 'index', '--json')
    h.cli('work_units', '-W', 'crawl')
    h.cli('work_units', '-W', 'crawl', '-n', '2')
    h.cli('work_units', '-W', 'crawl', '-s', 'available', '--details')
    h.cli('work_units', '-W', 'crawl', '-s', 'failed')
    h.cli('work_unit', '-W', 'crawl', 'page/a', 'extra-1')
    h.cli('config')
    h.cli('worker_stats')
    h.tm.worker_heartbeat('tool-worker', 'RUN', 600, {'fqdn': 'w1', 'ipaddrs': ('127.0.0.1',)})
    h.cli('workers')
    h.cli('workers', '--details')
    h.cli('rpc', 'count_work_units', 'crawl')
    h.cli('rpc', 'get_work_units', 'crawl', '{limit: 2}')
    h.cli('rpc', 'no_such_method')


def s_pause_prioritize_retry_clear(h):
    '''pause and resume, prioritize, retry (one, all, all specs), clear by key and by status,
    delete.'''
    tm = h.tm
    tm.set_work_spec({'name': 'jobs', 'min_gb': 0})
    tm.set_work_spec({'name': 'other', 'min_gb': 0})
    _units_file(h, 'units.json', [('u%d' % i, {'i': i}) for i in range(8)])
    h.cli('addwork', '-W', 'jobs', '-u', '{tmp}/units.json')
    tm.add_work_units('other', [('o1', {}), ('o2', {})])
    h.cli('pause', 'jobs')
    tm.get_work('w', work_spec_names=['jobs'])
    h.cli('resume', 'jobs')
    h.cli('prioritize', 'jobs', 'u5', 'u6')
    first = tm.get_work('w', work_spec_names=['jobs'])
    second = tm.get_work('w', work_spec_names=['jobs'])
    try:
        raise IOError('disk full')
    except IOError as exc:
        first.fail(exc)
    second.fail()
    h.cli('work_unit', '-W', 'jobs', first.key)
    h.cli('work_units', '-W', 'jobs', '-s', 'failed', '--details')
    h.cli('retry', '-W', 'jobs', first.key)
    h.cli('work_unit', '-W', 'jobs', first.key)
    h.cli('retry', '-W', 'jobs', 'nope')
    h.cli('retry', '-W', 'jobs', '-a')
    for o in tm.get_work('w', work_spec_names=['other'], max_jobs=2):
        o.fail()
    h.cli('retry', '-W', '-', '-a')
    h.cli('summary')
    h.cli('clear', '-W', 'jobs', 'u0', 'u1')
    u = tm.get_work('w', work_spec_names=['jobs'])
    u.finish()
    h.cli('clear', '-W', 'jobs', '-s', 'finished')
    h.cli('clear', '-W', 'jobs', '-s', 'pending', 'u2', 'u3')
    h.cli('clear', '-W', 'jobs', '-s', 'available')
    h.cli('clear', '-W', 'other')
    h.cli('summary')
    h.cli('delete', '-y')
    h.cli('work_specs')


def s_flow_and_run_one(h):
    '''flow loads chained specs; run_one runs units with the original SingleWorker, chains their
    outputs, and shows a failure's traceback.'''
    h.file('flow.yaml', '''
flows:
  day:
    fetch: {min_gb: 0, module: jobs, run_function: emit_dict, then: day.parse}
    parse: {min_gb: 0, module: jobs, run_function: emit_list, then: day.store}
    store: {min_gb: 0, module: jobs, run_function: fail_on_bad}
''')
    h.cli('flow', '{tmp}/flow.yaml')
    h.cli('work_specs')
    h.tm.add_work_units('day.fetch', [('bad', {}), ('good', {})])
    h.cli('run_one', '--from-work-spec', 'day.fetch')
    h.cli('run_one', '--from-work-spec', 'day.fetch')
    h.cli('run_one', '--from-work-spec', 'day.fetch')
    h.cli('summary')
    h.cli('run_one', '--from-work-spec', 'day.parse', '--limit-count', '10')
    h.cli('run_one', '--from-work-spec', 'day.store', '--from-work-spec', 'day.parse',
          '--limit-count', '3', '--max-jobs', '2')
    h.cli('run_one', '--from-work-spec', 'day.store', '--limit-seconds', '30')
    h.cli('summary')
    h.cli('work_units', '-W', 'day.store', '-s', 'failed')
    for key, _ in h.tm.get_work_units('day.store', state=FAILED):
        h.cli('work_unit', '-W', 'day.store', key)
    h.cli('retry', '-W', 'day.store', '-a')
    h.cli('summary')
