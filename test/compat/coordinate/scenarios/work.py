# -*- coding: utf-8 -*-
'''get_work: one unit or many, which specs, leases, renewal and expiry, continuous specs.'''
from __future__ import absolute_import

from coordinate.constants import AVAILABLE, FAILED, FINISHED, PAUSED, PENDING, RUNNABLE


def s_get_work_options(h):
    '''max_jobs, work_spec_names, max_getwork, max_running and paused specs, spec by spec.'''
    tm = h.tm
    tm.get_work('w')
    tm.get_work('w', max_jobs=5)
    tm.set_work_spec({'name': 'low', 'min_gb': 0})
    tm.set_work_spec({'name': 'capped', 'min_gb': 0, 'max_getwork': 2})
    tm.set_work_spec({'name': 'busy', 'min_gb': 0, 'max_running': 1})
    for name in ['low', 'capped', 'busy']:
        tm.add_work_units(name, [('%s%d' % (name, i), {'i': i}) for i in range(4)])
    tm.get_work('w', max_jobs=3, work_spec_names=['capped'])
    tm.get_work('w', max_jobs=3, work_spec_names=['capped'])
    tm.get_work('w', max_jobs=3, work_spec_names=['busy'])
    tm.get_work('w', max_jobs=3, work_spec_names=['busy'])
    tm.get_work('w', max_jobs=3, work_spec_names=['low'])
    tm.get_work('w', work_spec_names=['missing'])
    tm.get_work('w', work_spec_names=[])
    tm.pause_work_spec('low')
    tm.get_work('w', work_spec_names=['low'])
    tm.pause_work_spec('low', paused=False)
    tm.get_work('w', work_spec_names=['low'], max_jobs=10)
    tm.get_work('w', lease_time=30, max_jobs=1, work_spec_names=['capped'])
    for name in ['low', 'capped', 'busy']:
        tm.count_work_units(name)


def s_spec_priority_and_min_gb(h):
    '''A spec's own priority and min_gb against available_gb, which the original ignores.'''
    tm = h.tm
    tm.set_work_spec({'name': 'low', 'min_gb': 0})
    tm.set_work_spec({'name': 'heavy', 'min_gb': 8, 'priority': 5})
    tm.set_work_spec({'name': 'urgent', 'min_gb': 0, 'priority': 3})
    for name in ['low', 'heavy', 'urgent']:
        tm.add_work_units(name, [('%s%d' % (name, i), {'i': i}) for i in range(4)])
    tm.get_work('w', available_gb=16, max_jobs=2)
    tm.get_work('w', available_gb=2, max_jobs=2)
    tm.get_work('w', available_gb=2, max_jobs=2)


def s_leases(h):
    '''A lease renewed, one left to expire, a late worker finishing a unit whose lease ran out.'''
    tm = h.tm
    tm.set_work_spec({'name': 'l', 'min_gb': 0})
    tm.add_work_units('l', [('short', {}), ('renewed', {}), ('late', {})])
    short = tm.get_work('w1', lease_time=1)
    renewed = tm.get_work('w2', lease_time=1)
    late = tm.get_work('w3', lease_time=1)
    renewed.update(lease_time=60)
    tm.get_work_unit_status('l', [short.key, renewed.key, late.key])
    h.pause(2.5)
    tm.get_work_unit_status('l', [short.key, renewed.key, late.key])
    tm.count_work_units('l')
    # The original lets a worker whose lease ran out still finish its unit.
    late.finish()
    tm.get_work_unit_status('l', [late.key])
    again = tm.get_work('w4')
    tm.update_work_unit('l', again.key, lease_time=20)
    tm._rpc('update_work_unit', ('l', again.key, {'lease_time': 100000}))
    tm.update_work_unit('l', 'nope', lease_time=20)
    tm.update_work_unit('l', again.key)
    tm.update_work_unit('missing', 'x', lease_time=20)
    # A lease the client itself refuses (its assert) never reaches the server.
    try:
        tm.get_work('w5', lease_time=100000)
    except AssertionError:
        pass
    tm.get_work_unit_status('l', [again.key])
    # Leases the original takes as its default: beyond a day, below a second.
    tm.add_work_units('l', [('long', {}), ('tiny', {})])
    tm._rpc('get_work', ('w6', {'lease_time': 100000, 'work_spec_names': ['l']}))
    tm._rpc('get_work', ('w7', {'lease_time': 0.5, 'work_spec_names': ['l']}))
    tm.get_work_unit_status('l', ['long', 'tiny'])


def s_lost_lease(h):
    '''A worker whose lease ran out finishes late: naming itself (worker_id) once its unit was
    leased again to another worker, before and after that worker finished; not naming itself, as
    the original client does; and naming itself where nobody took the unit.'''
    tm = h.tm
    for name in ['fence', 'unnamed', 'alone']:
        tm.set_work_spec({'name': name, 'min_gb': 0})
        tm.add_work_units(name, [('u-' + name, {'n': 1})])
    tm.get_work('w1', lease_time=1, work_spec_names=['fence'])
    first_unnamed = tm.get_work('w3', lease_time=1, work_spec_names=['unnamed'])
    tm.get_work('w5', lease_time=1, work_spec_names=['alone'])
    h.pause(2.5)
    second = tm.get_work('w2', lease_time=60, work_spec_names=['fence'])
    second_unnamed = tm.get_work('w4', lease_time=60, work_spec_names=['unnamed'])
    tm.get_work_unit_status('fence', ['u-fence'])
    # The unit is w2's now; w1 comes back and says it finished (then that it failed).
    tm._rpc('update_work_unit', ('fence', 'u-fence', {'status': FINISHED, 'worker_id': 'w1',
                                                      'data': {'by': 'w1'}}))
    tm._rpc('update_work_unit', ('fence', 'u-fence', {'status': FAILED, 'worker_id': 'w1'}))
    tm.get_work_unit_status('fence', ['u-fence'])
    tm.get_work_units('fence')
    second.data['by'] = 'w2'
    second.finish()
    tm._rpc('update_work_unit', ('fence', 'u-fence', {'status': FINISHED, 'worker_id': 'w1',
                                                      'data': {'by': 'w1 again'}}))
    tm.get_work_units('fence')
    # The original client names nobody when it finishes: its late finish ends w4's lease.
    first_unnamed.finish()
    tm.get_work_unit_status('unnamed', ['u-unnamed'])
    second_unnamed.finish()
    # Nobody took w5's unit after its lease ran out (the original expires leases when it is
    # asked, Passerine on time: a read first): its late finish is the unit's end.
    tm.get_work_unit_status('alone', ['u-alone'])
    tm._rpc('update_work_unit', ('alone', 'u-alone', {'status': FINISHED, 'worker_id': 'w5'}))
    tm.get_work_unit_status('alone', ['u-alone'])
    for name in ['fence', 'unnamed', 'alone']:
        tm.count_work_units(name)


def s_continuous(h):
    '''A continuous spec makes a unit when it has none, no sooner than its interval.'''
    tm = h.tm
    tm.set_work_spec({'name': 'gen', 'min_gb': 0, 'continuous': True, 'interval': 2})
    first = tm.get_work('w', work_spec_names=['gen'])
    tm.get_work('w', work_spec_names=['gen'])
    tm.count_work_units('gen')
    first.finish()
    tm.get_work('w', work_spec_names=['gen'])
    h.pause(2.5)
    second = tm.get_work('w', work_spec_names=['gen'])
    second.finish()
    tm._rpc('control_work_spec', ('gen', {'continuous': False}))
    h.pause(2.5)
    tm.get_work('w', work_spec_names=['gen'])
    tm.set_work_spec({'name': 'cont-queue', 'min_gb': 0, 'continuous': True})
    tm.add_work_units('cont-queue', [('queued', {})])
    tm.get_work('w', work_spec_names=['cont-queue'], max_jobs=2)
    # The original keys a unit by the time to 10 ms: two made sooner would be one key.
    h.pause(0.05)
    tm.get_work('w', work_spec_names=['cont-queue'])
    tm.count_work_units('cont-queue')


def s_continuous_batch(h):
    '''Several units made by one get_work of a continuous spec.'''
    tm = h.tm
    tm.set_work_spec({'name': 'gen', 'min_gb': 0, 'continuous': True})
    units = tm.get_work('w', work_spec_names=['gen'], max_jobs=3)
    tm.count_work_units('gen')
    for unit in units:
        unit.finish()
    tm.count_work_units('gen')
