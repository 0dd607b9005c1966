# -*- coding: utf-8 -*-
'''Keys and names as Python 2 compares them: b'a' == u'a'; non-ASCII text and its UTF-8 bytes
are two keys; the kind first added is the one returned.'''
from __future__ import absolute_import

from coordinate.constants import FAILED, FINISHED


def s_byte_and_text_keys(h):
    '''A unit added as text is found, leased, finished and deleted by its byte-string key, and
    the other way round; what comes back is the kind it was added with.'''
    tm = h.tm
    tm.set_work_spec({'name': 'k', 'min_gb': 0})
    tm.add_work_units('k', [(u'text-key', {'n': 1}), ('byte-key', {'n': 2}), (u'other', {})])
    tm.get_work_units('k', work_unit_keys=['text-key', u'byte-key'])
    tm.get_work_unit_status('k', ['text-key', u'byte-key'])
    tm.prioritize_work_units('k', ['other'], priority=5)
    # Re-adding with the other kind overwrites the same unit.
    tm.add_work_units('k', [('text-key', {'n': 10})])
    tm.count_work_units('k')
    tm.get_work_units('k')
    unit = tm.get_work('w')
    tm.update_work_unit('k', 'other', status=FINISHED)
    tm.update_work_unit('k', u'text-key', lease_time=100)
    tm.update_work_unit('k', 'text-key', status=FAILED)
    tm.retry('k', 'text-key')
    tm.get_work_unit_status('k', [unit.key, 'text-key'])
    tm.del_work_units('k', work_unit_keys=[u'byte-key'])
    tm.get_work_units('k', start='text')
    tm.get_work_units('k', start=u'other')
    tm.count_work_units('k')


def s_non_ascii_keys(h):
    '''Non-ASCII text keys and binary byte keys, each spec of one kind.'''
    tm = h.tm
    tm.set_work_spec({'name': 'text', 'min_gb': 0})
    tm.set_work_spec({'name': 'binary', 'min_gb': 0})
    tm.add_work_units('text', [(u'é', {}), (u'ü', {}), (u'a', {}), (u'日本', {}), (u'', {})])
    tm.add_work_units('binary', [('\xff\x00', {}), ('\x00', {}), ('\xc3\xa9', {}), ('b', {})])
    tm.get_work_units('text')
    tm.get_work_units('binary')
    tm.get_work_units('text', work_unit_keys=[u'é', '\xc3\xa9'])
    tm.get_work_units('binary', work_unit_keys=['\xc3\xa9', u'b'])
    tm.get_work('w', work_spec_names=['text'], max_jobs=2)
    tm.get_work('w', work_spec_names=['binary'], max_jobs=10)


def s_utf8_bytes_and_text_together(h):
    '''u'é' and its UTF-8 bytes in one spec: two keys in Python 2, which cannot order them.'''
    tm = h.tm
    tm.set_work_spec({'name': 'mixed', 'min_gb': 0})
    tm.add_work_units('mixed', [(u'é', {'kind': 'text'})])
    # The original fails here, comparing the two keys to queue them.
    h.either(tm.add_work_units, 'mixed', [('\xc3\xa9', {'kind': 'bytes'})])
    tm.count_work_units('mixed')


def s_spec_name_kinds(h):
    '''Spec names follow the same rule: set as bytes, reached as text, and back.'''
    tm = h.tm
    tm.set_work_spec({'name': 'bytes-name', 'min_gb': 0})
    tm.set_work_spec({'name': u'text-name', 'min_gb': 0})
    tm.set_work_spec({'name': u'naïve', 'min_gb': 0})
    tm.get_work_spec(u'bytes-name')
    tm.get_work_spec('text-name')
    tm.add_work_units(u'bytes-name', [('a', {})])
    tm.add_work_units('text-name', [('b', {})])
    tm.get_work('w', work_spec_names=[u'bytes-name'])
    tm.get_work('w', work_spec_names=['text-name'])
    # Setting it again with the other kind is the same spec; its dict is the new one.
    tm.set_work_spec({'name': u'bytes-name', 'min_gb': 1})
    tm.list_work_specs()
    tm.get_work_spec('na\xc3\xafve')
    tm.del_work_spec(u'bytes-name')
    tm.list_work_specs()
