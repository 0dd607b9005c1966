# -*- coding: utf-8 -*-
'''then chains: outputs as dicts and lists, priorities handed down, repeated finishes.'''
from __future__ import absolute_import

from coordinate.constants import FAILED, FINISHED


def s_outputs(h):
    '''Outputs as a dict, a list of keys, (key, data) and (key, data, meta) items; no then; a then
    naming a missing spec; output given in the finishing update or left by an earlier one.'''
    tm = h.tm
    tm.set_work_spec({'name': 'src', 'min_gb': 0, 'then': 'dst'})
    tm.set_work_spec({'name': 'dst', 'min_gb': 0})
    tm.set_work_spec({'name': 'lone', 'min_gb': 0})
    tm.set_work_spec({'name': 'dangling', 'min_gb': 0, 'then': 'nowhere'})
    tm.add_work_units('src', [('as-dict', {}), ('as-list', {}), ('as-pairs', {}, {'priority': 4}),
                              ('as-triples', {}), ('by-update', {}), ('none', {})])
    tm.add_work_units('lone', [('l', {})])
    tm.add_work_units('dangling', [('d', {})])
    u = tm.get_work('w', work_spec_names=['src'])
    u.data['output'] = {'d1': {'from': 'dict'}, 'd2': None}
    u.finish()
    u = tm.get_work('w', work_spec_names=['src'])
    u.data['output'] = ['l1', u'l2']
    u.finish()
    u = tm.get_work('w', work_spec_names=['src'])
    u.data['output'] = [('p1', {'a': 1}), ['p2', {'b': 2}]]
    u.finish()
    u = tm.get_work('w', work_spec_names=['src'])
    u.data['output'] = [('t1', {}, {'priority': 9}), ('t2', {'c': 3}, {})]
    u.finish()
    u = tm.get_work('w', work_spec_names=['src'])
    u.data['output'] = {'late': {}}
    u.update()
    tm.update_work_unit('src', u.key, status=FINISHED)
    u = tm.get_work('w', work_spec_names=['src'])
    u.finish()
    u = tm.get_work('w', work_spec_names=['lone'])
    u.data['output'] = {'ignored': {}}
    u.finish()
    u = tm.get_work('w', work_spec_names=['dangling'])
    u.data['output'] = {'lost': {}}
    u.finish()
    tm.get_work_units('dst')
    tm.count_work_units('dst')


def s_chain_runs_once(h):
    '''A chained unit that already ran is not made again by a second finish of its parent; a
    failed parent finished later chains then.'''
    tm = h.tm
    tm.set_work_spec({'name': 'one', 'min_gb': 0, 'then': 'two'})
    tm.set_work_spec({'name': 'two', 'min_gb': 0})
    tm.add_work_units('one', [('p', {}), ('q', {})])
    p = tm.get_work('w', work_spec_names=['one'])
    p.data['output'] = ['child']
    p.finish()
    child = tm.get_work('w', work_spec_names=['two'])
    child.finish()
    tm.get_work_unit_status('two', ['child'])
    p.finish()
    tm.update_work_unit('one', 'p', status=FINISHED)
    tm.get_work_unit_status('two', ['child'])
    q = tm.get_work('w', work_spec_names=['one'])
    q.data['output'] = ['child2']
    q.fail()
    tm.count_work_units('two')
    tm.update_work_unit('one', 'q', status=FINISHED)
    tm.get_work_units('two')
    # A first finish whose output names a unit that exists: the original re-adds it.
    tm.add_work_units('one', [('r', {})])
    r = tm.get_work('w', work_spec_names=['one'])
    r.data['output'] = {'child': {'again': True}}
    r.finish()
    tm.get_work_unit_status('two', ['child'])
    tm.get_work_units('two')


def s_chain_scheduling(h):
    '''With work in every stage of a chain, which stage get_work serves first.'''
    tm = h.tm
    tm.set_work_spec({'name': 'stage1', 'min_gb': 0, 'then': 'stage2'})
    tm.set_work_spec({'name': 'stage2', 'min_gb': 0, 'then': 'stage3'})
    tm.set_work_spec({'name': 'stage3', 'min_gb': 0})
    tm.add_work_units('stage1', [('a', {}), ('b', {})])
    tm.add_work_units('stage2', [('c', {})])
    tm.add_work_units('stage3', [('d', {})])
    for _ in range(5):
        u = tm.get_work('w')
        if u is None:
            break
        u.finish()
