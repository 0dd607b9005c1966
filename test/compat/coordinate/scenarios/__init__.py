# -*- coding: utf-8 -*-
'''The scenarios, in the order they run: every function named s_* of the modules below.'''
from __future__ import absolute_import
import importlib

MODULES = ['specs', 'units', 'keys', 'work', 'finishing', 'chains', 'workers', 'admin', 'tool',
           'runs']


def all_scenarios():
    out = []
    for module_name in MODULES:
        module = importlib.import_module('scenarios.' + module_name)
        names = [n for n in vars(module) if n.startswith('s_')]
        # In the order they are written.
        names.sort(key=lambda n: getattr(module, n).__code__.co_firstlineno)
        for n in names:
            out.append(('%s.%s' % (module_name, n[2:]), getattr(module, n)))
    return out


def select(names):
    chosen = all_scenarios()
    if not names:
        return chosen
    picked = [(n, fn) for n, fn in chosen if any(n == x or n.startswith(x + '.') for x in names)]
    if not picked:
        raise SystemExit('no scenario named %s' % ', '.join(names))
    return picked
