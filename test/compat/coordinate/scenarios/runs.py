# -*- coding: utf-8 -*-
'''The original worker classes run work specs' run functions (module `jobs`).'''
from __future__ import absolute_import

from coordinate.workers import LoopWorker, SingleWorker


def s_single_worker(h):
    '''SingleWorker: one unit per run, finished (twice, as it does), chained, or failed.'''
    tm = h.tm
    tm.set_work_spec({'name': 'emit', 'min_gb': 0, 'module': 'jobs', 'run_function': 'emit_dict',
                      'then': 'sink'})
    tm.set_work_spec({'name': 'sink', 'min_gb': 0, 'module': 'jobs', 'run_function': 'ok'})
    tm.set_work_spec({'name': 'broken', 'min_gb': 0, 'module': 'jobs', 'run_function': 'fail'})
    tm.add_work_units('emit', [('e1', {})])
    tm.add_work_units('broken', [('b1', {})])
    worker = SingleWorker({'address': h.address}, task_master=h.client(),
                          work_spec_names=['emit'])
    worker.register()
    worker.run()
    worker.work_spec_names = ['broken']
    worker.run()
    worker.work_spec_names = ['sink']
    worker.run()
    worker.run()
    worker.run()
    worker.unregister()
    tm.get_work_units('sink')
    tm.get_work_unit_status('broken', ['b1'])


def s_loop_worker(h):
    '''LoopWorker: runs units until there are none, with several fetched at once.'''
    tm = h.tm
    tm.set_work_spec({'name': 'many', 'min_gb': 0, 'module': 'jobs', 'run_function': 'emit_list',
                      'then': 'after'})
    tm.set_work_spec({'name': 'after', 'min_gb': 0, 'module': 'jobs',
                      'run_function': 'fail_on_bad'})
    tm.add_work_units('many', [('m%d' % i, {}) for i in range(4)] + [('bad', {})])
    for names in (['many'], ['after']):
        worker = LoopWorker({'address': h.address, 'worker_job_fetch': 2}, task_master=h.client(),
                            work_spec_names=names)
        worker.register(parent='loop-parent')
        worker.run()
        worker.unregister()
    tm.count_work_units('many')
    tm.count_work_units('after')
    tm.get_work_units('after', state=5)
