# -*- coding: utf-8 -*-
'''Workers: register with the client's defaults, heartbeat, modes, children, expiry.'''
from __future__ import absolute_import

from coordinate.constants import IDLE, RUN, TERMINATE
from coordinate.workers import SingleWorker


def s_register_defaults(h):
    '''worker_register as the client calls it: mode, environment and parent None.'''
    tm = h.tm
    tm.worker_register('parent')
    tm.workers()
    tm.mode_counts()
    # The original fails here: get_worker_info copies the environment, None, into a dict.
    h.either(tm.get_heartbeat, 'parent')
    tm._rpc('worker_stats', [])
    tm.worker_heartbeat('parent', RUN, 600, {'pid': 1, 'hosts': ('a', 'b')})
    tm.workers()
    tm.get_heartbeat('parent')
    tm.worker_unregister('parent')
    tm.worker_unregister('parent')
    tm.workers()
    tm.get_heartbeat('nobody')


def s_modes_and_stats(h):
    '''Modes as the workers report them, counted; a worker's own environment from register().'''
    tm = h.tm
    tm.worker_heartbeat('w-run', RUN, 600, {'n': 1})
    tm.worker_heartbeat('w-idle', IDLE, 600, {'n': 2})
    tm.worker_heartbeat('w-term', TERMINATE, 600, None)
    tm.worker_heartbeat(u'w-text', u'RUN', 600, {u'n': 3})
    tm.worker_heartbeat('w-neg', RUN, -5, {})
    tm.worker_heartbeat('w-huge', RUN, 10 ** 7, {})
    tm.workers()
    tm.mode_counts()
    tm._rpc('worker_stats', [])
    tm.get_heartbeat(u'w-text')
    h.either(tm.get_heartbeat, 'w-term')
    worker = SingleWorker({'address': h.address}, task_master=h.client())
    worker.register()
    tm.get_heartbeat(worker.worker_id)
    tm.workers()
    worker.unregister()
    tm.workers()


def s_children(h):
    '''A parent watches its children's work through get_child_work_units.'''
    tm = h.tm
    tm.set_work_spec({'name': 'c', 'min_gb': 0})
    tm.add_work_units('c', [('u%d' % i, {'i': i}) for i in range(5)])
    tm.worker_register('boss')
    tm.get_child_work_units('boss')
    tm.worker_register('kid1', parent='boss')
    tm.worker_register('kid2', parent='boss')
    tm.worker_register('kid3', parent='boss')
    tm.get_child_work_units('boss')
    one = tm.get_work('kid1')
    many = tm.get_work('kid2', max_jobs=2)
    tm.get_child_work_units('boss')
    one.finish()
    many[0].fail()
    tm.get_child_work_units('boss')
    tm._rpc('worker_stats', [])
    # A child moving to another parent, and one leaving.
    tm.worker_register('kid2', parent='other')
    tm.worker_unregister('kid3')
    tm.get_child_work_units('boss')
    tm.get_child_work_units('other')
    tm.get_child_work_units('nobody')
    tm._rpc('worker_stats', [])


def s_worker_expiry(h):
    '''A worker whose heartbeat runs out is gone from the lists.'''
    tm = h.tm
    tm.worker_heartbeat('brief', RUN, 1, {})
    tm.worker_heartbeat('lasting', RUN, 600, {})
    tm.workers()
    h.pause(2.5)
    tm.workers()
    tm.mode_counts()
    tm.get_heartbeat('brief')
    tm._rpc('worker_stats', [])
