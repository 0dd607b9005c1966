# -*- coding: utf-8 -*-
'''Run functions for the work specs of the scenarios (`module: jobs`), as a user's would be.'''
from __future__ import absolute_import


def ok(work_unit):
    work_unit.data['done'] = True


def emit_dict(work_unit):
    '''Its output becomes units of the next spec: key -> data.'''
    key = work_unit.key
    work_unit.data['output'] = {key + '-a': {'from': key}, key + '-b': {'from': key}}


def emit_list(work_unit):
    '''Its output: a list of keys, and a (key, data, meta) triple.'''
    key = work_unit.key
    work_unit.data['output'] = [key + '-x', (key + '-y', {'from': key}, {'priority': 5})]


def fail(work_unit):
    raise ValueError('cannot process %r' % (work_unit.key,))


def fail_on_bad(work_unit):
    if 'bad' in work_unit.key:
        raise RuntimeError('bad unit %s' % work_unit.key)
    work_unit.data['done'] = True
