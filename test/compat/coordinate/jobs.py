# -*- coding: utf-8 -*-
'''Run functions for the work specs of the scenarios (`module: jobs`), as a user's would be.

With COMPAT_RUN_LOG set (tool-and-workers.py sets it), each run is noted there, one line per run:
spec, key and process, so that a unit run twice shows.
'''
from __future__ import absolute_import
import json
import os


def _note(work_unit):
    path = os.environ.get('COMPAT_RUN_LOG')
    if path:
        with open(path, 'a') as f:
            f.write(json.dumps([work_unit.work_spec_name, work_unit.key, os.getpid()]) + '\n')


def ok(work_unit):
    _note(work_unit)
    work_unit.data['done'] = True


def emit_dict(work_unit):
    '''Its output becomes units of the next spec: key -> data.'''
    _note(work_unit)
    key = work_unit.key
    work_unit.data['output'] = {key + '-a': {'from': key}, key + '-b': {'from': key}}


def emit_list(work_unit):
    '''Its output: a list of keys, and a (key, data, meta) triple.'''
    _note(work_unit)
    key = work_unit.key
    work_unit.data['output'] = [key + '-x', (key + '-y', {'from': key}, {'priority': 5})]


def fail(work_unit):
    _note(work_unit)
    raise ValueError('cannot process %r' % (work_unit.key,))


def fail_on_bad(work_unit):
    _note(work_unit)
    if 'bad' in work_unit.key:
        raise RuntimeError('bad unit %s' % work_unit.key)
    work_unit.data['done'] = True
