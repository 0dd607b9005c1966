# -*- coding: utf-8 -*-
'''How units end: finish, fail with a traceback, finish wins, retry, update_work_unit.'''
from __future__ import absolute_import

from coordinate.constants import AVAILABLE, FAILED, FINISHED, PENDING


def s_finish_and_fail(h):
    '''A worker finishes one unit and fails two (one with an exception's traceback).'''
    tm = h.tm
    tm.set_work_spec({'name': 'f', 'min_gb': 0})
    tm.add_work_units('f', [('a', {'x': 1}), ('b', {}), ('c', {})])
    a = tm.get_work('w')
    a.data['result'] = 'ok'
    a.finish()
    b = tm.get_work('w')
    try:
        raise ValueError('it broke')
    except ValueError as exc:
        b.fail(exc)
    c = tm.get_work('w')
    c.fail()
    tm.get_work_unit_status('f', ['a', 'b', 'c'])
    tm.get_work_units('f')
    tm.count_work_units('f')


def s_finish_wins(h):
    '''Failing a finished unit keeps it finished; finishing a failed one finishes it; finishing
    twice (as the original worker does) changes nothing the second time.'''
    tm = h.tm
    tm.set_work_spec({'name': 'fw', 'min_gb': 0})
    tm.add_work_units('fw', [('1-done', {}), ('2-broken', {}), ('3-twice', {})])
    done = tm.get_work('w')
    done.finish()
    tm.update_work_unit('fw', '1-done', status=FAILED)
    tm.get_work_unit_status('fw', ['1-done'])
    try:
        raise RuntimeError('too late')
    except RuntimeError as exc:
        done.fail(exc)
    tm.get_work_unit_status('fw', ['1-done'])
    broken = tm.get_work('w')
    broken.fail()
    tm.update_work_unit('fw', '2-broken', status=FINISHED)
    tm.get_work_unit_status('fw', ['2-broken'])
    twice = tm.get_work('w')
    twice.finish()
    twice.finish()
    tm.update_work_unit('fw', '3-twice', status=FINISHED, data={'new': 'data'})
    tm.get_work_unit_status('fw', ['1-done', '2-broken', '3-twice'])
    tm.get_work_units('fw')


def s_retry_and_status_moves(h):
    '''retry and update_work_unit moving units between every status, held or not.'''
    tm = h.tm
    tm.set_work_spec({'name': 'r', 'min_gb': 0})
    tm.add_work_units('r', [('k%d' % i, {'i': i}) for i in range(6)])
    units = tm.get_work('w', max_jobs=4)
    units[0].fail()
    units[1].finish()
    tm.retry('r', 'k0', 'k1', 'k2', 'nope')
    tm.get_work_unit_status('r', ['k0', 'k1', 'k2', 'k3'])
    tm.update_work_unit('r', 'k3', status=AVAILABLE)
    tm.update_work_unit('r', 'k4', status=PENDING)
    tm.update_work_unit('r', 'k5', status=PENDING, lease_time=50)
    tm.update_work_unit('r', 'k4', status=FAILED, data={'traceback': 'set by hand'})
    tm.update_work_unit('r', 'k5', status=FINISHED)
    tm.update_work_unit('r', 'k0', status=2)
    tm._rpc('update_work_unit', ('r', 'k0', {'status': 7}))
    tm.update_work_unit('r', 'k0', status=AVAILABLE, data={'fresh': True})
    tm.get_work_unit_status('r', ['k%d' % i for i in range(6)])
    tm.get_work_units('r')
    tm.count_work_units('r')
    again = tm.get_work('w', max_jobs=6)
    tm.update_work_unit('r', again[0].key, status=PENDING, lease_time=5)
    tm._rpc('update_work_unit', ('r', again[1].key, {'status': FINISHED, 'worker_id': 'other'}))
    tm.get_work_unit_status('r', [u.key for u in again])


def s_traceback_after_retry(h):
    '''A failed unit's traceback is its data's: shown while the data holds it, whatever the status.'''
    tm = h.tm
    tm.set_work_spec({'name': 'tb', 'min_gb': 0})
    tm.add_work_units('tb', [('u', {'in': 1})])
    u = tm.get_work('w')
    try:
        raise KeyError('missing')
    except KeyError as exc:
        u.fail(exc)
    tm.get_work_unit_status('tb', ['u'])
    tm.retry('tb', 'u')
    tm.get_work_unit_status('tb', ['u'])
    again = tm.get_work('w')
    tm.get_work_unit_status('tb', ['u'])
    again.finish()
    tm.get_work_unit_status('tb', ['u'])
    tm.get_work_units('tb')
