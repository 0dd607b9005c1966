# -*- coding: utf-8 -*-
'''Work units: adding, reading, priorities, deleting, large batches.'''
from __future__ import absolute_import
import uuid

from coordinate.constants import AVAILABLE, FAILED, FINISHED, PENDING


def s_add_and_read(h):
    '''add_work_units as a dict, as pairs and as triples; every way get_work_units reads them.'''
    tm = h.tm
    tm.set_work_spec({'name': 's', 'min_gb': 0})
    tm.add_work_units('s', {'d1': {'x': 1}, 'd2': {'y': [1, 2]}})
    tm.add_work_units('s', [('p1', {'a': 1}), ('p2', {}), ('p3', {'c': None})])
    tm.add_work_units('s', [('t1', {'b': 2}, {'priority': 3}), ('t2', {}, {}), ('t3', {}, None)])
    # A key given twice in one call: the last one counts.
    tm.add_work_units('s', [('dup', {'n': 1}), ('dup', {'n': 2})])
    tm.count_work_units('s')
    tm.status('s')
    tm.get_work_units('s')
    tm.get_work_units('s', work_unit_keys=['p2', 'nope', 'd1'])
    tm.get_work_units('s', limit=2)
    tm.get_work_units('s', start='p2')
    tm.get_work_units('s', start='p2', limit=2)
    tm.get_work_units('s', state=AVAILABLE)
    tm.get_work_units('s', state=[AVAILABLE, PENDING])
    tm.get_work_units('s', state=(FINISHED, FAILED))
    tm.get_work_units('s', limit=0)
    tm.list_work_units('s')
    tm.list_work_units('s', start=1, limit=2)
    tm.list_finished_work_units('s')
    tm.get_work_unit_status('s', 'p1')
    tm.get_work_unit_status('s', ['p1', 'nope'])
    # Adding an existing key overwrites its data.
    tm.add_work_units('s', [('p1', {'a': 'again'})])
    tm.get_work_units('s', work_unit_keys=['p1'])
    tm.add_work_units('missing', [('k', {})])
    tm.count_work_units('missing')
    tm.get_work_units('missing')
    tm.get_work_unit_status('missing', ['k'])


def s_data_kinds(h):
    '''Unit data of every CBOR kind survives storage: bytes vs text, tuples, UUIDs, non-ASCII.'''
    tm = h.tm
    tm.set_work_spec({'name': 'data', 'min_gb': 0})
    data = {
        'bytes': '\xff\x00\x80', 'ascii': 'plain', u'text': u'fü', 'tuple': (1, ('a', u'b')),
        'list': [(1, 2), [3]], 'uuid': uuid.UUID('12345678-1234-5678-1234-567812345678'),
        'none': None, 'bools': [True, False], 'ints': [0, -1, 2 ** 31, -2 ** 40, 2 ** 63 - 1],
        'floats': [0.5, -1e300, 1.0], 'empty': {}, u'ключ': u'значение', 1: 'int key',
        'nested': {'deeper': {'deepest': ['\x00']}},
    }
    tm.add_work_units('data', [('d', data)])
    tm.get_work_units('data')
    unit = tm.get_work('w')
    unit.data['added'] = (u'é', 'é')
    unit.update()
    tm.get_work_units('data')
    unit.finish()
    tm.get_work_units('data')


def s_none_data(h):
    '''A unit whose data is None, as a client may add it.'''
    tm = h.tm
    tm.set_work_spec({'name': 'n', 'min_gb': 0})
    tm.add_work_units('n', [('none', None), ('empty', {})])
    tm.get_work_units('n')
    unit = tm.get_work('w', work_spec_names=['n'])
    tm.count_work_units('n')
    unit.finish()
    tm.get_work_units('n', work_unit_keys=['none'])


def s_priorities(h):
    '''Priorities: given at add, set, adjusted, defaulted to 1; the order work is handed out.'''
    tm = h.tm
    tm.set_work_spec({'name': 'p', 'min_gb': 0})
    tm.add_work_units('p', [('a', {}), ('b', {}, {'priority': 2}), ('c', {}), ('d', {}),
                            ('e', {}, {'priority': -1}), ('f', {})])
    tm.prioritize_work_units('p', ['c'])
    tm.prioritize_work_units('p', ['d'], priority=10)
    tm.prioritize_work_units('p', ['a'], adjustment=3)
    tm.prioritize_work_units('p', ['b'], adjustment=-5)
    tm.prioritize_work_units('p', ['nope', 'f'], priority=4)
    tm.prioritize_work_units('p', [])
    tm.prioritize_work_units('missing', ['a'])
    tm._rpc('prioritize_work_units', ('p', {'priority': 1}))
    tm._rpc('prioritize_work_units', ('p', {'work_unit_keys': ['a']}))
    first = tm.get_work('w1')
    # Re-prioritising a pending unit changes it for when it comes back.
    tm.prioritize_work_units('p', [first.key], priority=-10)
    tm.get_work('w2', max_jobs=2)
    # Re-adding an existing key: its priority is that of the new add.
    tm.add_work_units('p', [('f', {'again': 1}, {'priority': 20})])
    tm.add_work_units('p', [('e', {'again': 1})])


def s_delete_units(h):
    '''del_work_units by keys, by state, both, all, neither; on a missing spec.'''
    tm = h.tm
    tm.set_work_spec({'name': 'del', 'min_gb': 0})
    tm.add_work_units('del', [('k%d' % i, {'i': i}) for i in range(10)])
    tm.get_work('w', max_jobs=3)
    tm.get_work('w', max_jobs=1).finish()
    tm.del_work_units('del')
    tm.del_work_units('del', work_unit_keys=['k5', 'k9', 'nope'])
    tm.del_work_units('del', work_unit_keys=['k0', 'k6'], state=PENDING)
    tm.del_work_units('del', state=FINISHED)
    tm.del_work_units('del', state=AVAILABLE)
    tm.count_work_units('del')
    tm.del_work_units('del', all=True)
    tm.count_work_units('del')
    tm.del_work_units('missing', all=True)


def s_large_batch(h):
    '''12,000 units in one add (more than one internal batch); pages; a limit beyond the clamp.'''
    tm = h.tm
    tm.set_work_spec({'name': 'big', 'min_gb': 0})
    tm.add_work_units('big', [('u%05d' % i, {}) for i in range(12000)])
    tm.count_work_units('big')
    tm.get_work_units('big', limit=3)
    tm.get_work_units('big', start='u01234', limit=3)
    page = tm.get_work_units('big', limit=20000)
    h.recorder.emit({'type': 'note', 'text': 'a limit of 20000 answered %d units' % len(page)})
    tm.get_work_units('big', start='u11998')
    tm.get_work('w', max_jobs=50)
    tm.count_work_units('big')
    tm.del_work_units('big', state=AVAILABLE)
    tm.count_work_units('big')
