# -*- coding: utf-8 -*-
'''Namespace-wide calls, and what the server refuses.'''
from __future__ import absolute_import


def s_archive_and_clear(h):
    '''archive with the default (no limits configured) and by spec; clear and after.'''
    tm = h.tm
    tm.set_work_spec({'name': 'a', 'min_gb': 0})
    tm.set_work_spec({'name': 'b', 'min_gb': 0})
    tm.add_work_units('a', [('x', {}), ('y', {})])
    tm.get_work('w', work_spec_names=['a']).finish()
    tm.get_work('w', work_spec_names=['a']).fail()
    tm._rpc('archive', ({},))
    tm._rpc('archive', ({'work_spec_names': ['a', 'missing']},))
    tm._rpc('archive', ())
    tm.count_work_units('a')
    # The original fails here: it has no global configuration to give.
    h.either(tm.get_server_config)
    tm.clear()
    tm.list_work_specs()
    tm.get_work('w')
    tm.clear()
    # The scheduler works after a clear (the original's needed its serve.py fix for it).
    tm.set_work_spec({'name': 'after', 'min_gb': 0})
    tm.add_work_units('after', [('z', {})])
    tm.get_work('w')


def s_refusals(h):
    '''What the original refuses (an error, not an answer), with what each refusal means.'''
    tm = h.tm
    tm.set_work_spec({'name': 's', 'min_gb': 0})
    h.refuse('no such method|has no attribute', tm._rpc, 'no_such_method', [])
    h.refuse('argument|takes', tm._rpc, 'get_work_spec', ['s', 'extra'])
    h.refuse('argument|takes', tm._rpc, 'count_work_units', [])
    h.refuse("options|has no attribute 'get'", tm._rpc, 'get_work_units', ['s', 'not a dict'])
    h.refuse('name|KeyError', tm._rpc, 'set_work_spec', [{'min_gb': 1}])
    h.refuse('key|bad WorkUnit', tm._rpc, 'add_work_units', ['s', [(5, {})]])
    h.refuse('max_jobs|invalid literal', tm._rpc, 'get_work', ['w', {'max_jobs': 'many'}])
    h.refuse('lease_time|float', tm._rpc, 'get_work', ['w', {'lease_time': 'long'}])
    h.refuse("options|has no attribute 'get'", tm._rpc, 'get_work', ['w', None])
    tm._rpc('prioritize_work_units', ['s', {}])
    tm.workers()
