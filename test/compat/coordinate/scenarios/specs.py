# -*- coding: utf-8 -*-
'''Work specs: set, get, list, control, delete.'''
from __future__ import absolute_import
import uuid

from coordinate.constants import PAUSED, RUNNABLE


def s_set_get_list(h):
    '''A spec dict of every CBOR kind comes back as it was set; list, re-set and delete.'''
    tm = h.tm
    spec = {
        'name': 'alpha', 'min_gb': 1, 'module': 'm', 'run_function': 'f', 'then': 'beta',
        'tup': (1, 'x', (u'y', None)), 'uid': uuid.UUID('00000000-0000-0000-0000-000000000005'),
        'text': u'héllo', 'bytes': '\xff\x00', 'float': 2.5, 'neg': -7, 'big': 2 ** 40,
        'nested': {'a': [1, {'b': None}], u'c': True}, 'config': {'kvlayer': {'x': 1}},
    }
    tm.set_work_spec(spec)
    tm.set_work_spec({'name': 'beta', 'min_gb': 0.5, 'priority': 2, 'max_getwork': 2,
                      'max_running': 3})
    tm.get_work_spec('alpha')
    tm.get_work_spec('beta')
    tm.get_work_spec('missing')
    tm.list_work_specs()
    tm.list_work_specs(limit=1)
    list(tm.iter_work_specs())
    tm.add_work_units('alpha', [('k1', {'a': 1})])
    # Setting it again replaces the dict and keeps the units.
    tm.set_work_spec({'name': 'alpha', 'min_gb': 2, 'module': 'm2', 'run_function': 'f'})
    tm.get_work_spec('alpha')
    tm.count_work_units('alpha')
    tm.get_work_units('alpha')
    tm.del_work_spec('beta')
    tm.del_work_spec('beta')
    tm.get_work_spec('beta')
    tm.list_work_specs()


def s_meta_and_control(h):
    '''Spec controls: status, weight (from nice too), interval, max_running, continuous.'''
    tm = h.tm
    tm.set_work_spec({'name': 'plain', 'min_gb': 0})
    tm.set_work_spec({'name': 'nice', 'min_gb': 0, 'nice': 5})
    tm.set_work_spec({'name': 'very-nice', 'min_gb': 0, 'nice': 50})
    tm.set_work_spec({'name': 'weighted', 'min_gb': 0, 'weight': 7, 'nice': 3})
    tm.set_work_spec({'name': 'disabled', 'min_gb': 0, 'disabled': True})
    tm.set_work_spec({'name': 'cont', 'min_gb': 0, 'continuous': True, 'interval': 60,
                      'max_running': 2})
    for name in ['plain', 'nice', 'very-nice', 'weighted', 'disabled', 'cont']:
        tm._rpc('get_work_spec_meta', (name,))
    tm.pause_work_spec('plain')
    tm._rpc('get_work_spec_meta', ('plain',))
    tm.pause_work_spec('plain', paused=False)
    tm._rpc('get_work_spec_meta', ('plain',))
    tm._rpc('control_work_spec', ('plain', {'weight': 3, 'interval': 5, 'max_running': 1}))
    tm._rpc('get_work_spec_meta', ('plain',))
    tm._rpc('control_work_spec', ('plain', {'continuous': True}))
    tm._rpc('control_work_spec', ('cont', {'continuous': False}))
    tm._rpc('get_work_spec_meta', ('cont',))
    tm._rpc('control_work_spec', ('cont', {'continuous': True, 'status': PAUSED}))
    tm._rpc('get_work_spec_meta', ('cont',))
    tm._rpc('control_work_spec', ('cont', {'status': RUNNABLE}))
    tm._rpc('control_work_spec', ('missing', {'status': PAUSED}))
    tm._rpc('get_work_spec_meta', ('missing',))
    tm.pause_work_spec('missing')


def s_list_paging(h):
    '''list_work_specs with limit and start, as iter_work_specs pages.'''
    tm = h.tm
    for name in ['c', 'a', 'e', 'b', 'd']:
        tm.set_work_spec({'name': name, 'min_gb': 0})
    tm.list_work_specs(limit=2)
    tm.list_work_specs(limit=2, start='c')
    tm.list_work_specs(start='a')
    tm.list_work_specs(limit=10)
    tm.list_work_specs(limit=0)


def s_update_bundle_and_flow(h):
    '''update_bundle (with a nice the server ignores) and add_flow with its config.'''
    tm = h.tm
    tm.update_bundle({'name': 'bundle', 'min_gb': 1}, {'u1': {'x': 1}, 'u2': {}}, nice=3)
    tm.get_work_units('bundle')
    tm.add_flow({'day': {'fetch': {'min_gb': 1, 'then': 'day.parse'},
                         'parse': {'min_gb': 1, 'config': {'depth': 2}}}},
                config={'shared': {'level': 1}})
    tm.get_work_spec('day.fetch')
    tm.get_work_spec('day.parse')
