# -*- coding: utf-8 -*-
'''What a scenario is given: clients of the server under test, and a few verbs.

A scenario is a function `scenario(h)` in a module of scenarios/; it drives the original client
library (h.tm is a coordinate.TaskMaster) and the original `coordinate` tool (h.cli). Everything
it calls is recorded; after it returns, the server's resulting state is read (end_state) and
recorded too, so that two servers are compared on what they answered and on what they hold.
'''
from __future__ import absolute_import, print_function
import argparse
import os
import shutil
import sys
import tempfile
import time
from StringIO import StringIO

import yaml

import coordinate
from coordinate import TaskMaster
from coordinate import coordinatec
import dblogger
import yakonfig


class ExpectedRefusal(Exception):
    pass


class Harness(object):
    def __init__(self, recorder, address):
        self.recorder = recorder
        self.address = address
        self.config = {'address': address}
        self._tm = None
        self.tmp = tempfile.mkdtemp(prefix='coordinate-compat-')

    @property
    def tm(self):
        '''The scenario's main client (one connection).'''
        if self._tm is None:
            self._tm = TaskMaster(self.config)
        return self._tm

    def client(self):
        '''Another client, on a connection of its own.'''
        return TaskMaster(self.config)

    def refuse(self, meaning, fn, *args, **kwargs):
        '''Calls fn expecting the server to refuse; `meaning` (a regular expression) is what a
        refusal must say, whatever its wording.'''
        self.recorder.meaning = meaning
        try:
            fn(*args, **kwargs)
        except Exception as exc:
            return exc
        finally:
            self.recorder.meaning = None
        self.recorder.emit({'type': 'note', 'text': 'expected a refusal (%s), got none' % meaning})
        return None

    def either(self, fn, *args, **kwargs):
        '''Calls fn where one server may fail and the other answer (the original's own bugs): the
        exchange is recorded and compared, and the scenario goes on either way.'''
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            self.recorder.emit({'type': 'note', 'text': 'raised (scenario goes on): %r' % (exc,)})
            return None

    def pause(self, seconds):
        '''Real time passing (leases, intervals): a replay waits as long.'''
        self.recorder.emit({'type': 'pause', 'seconds': seconds})
        time.sleep(seconds)

    def file(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(content)
        return path

    def yaml_file(self, name, value):
        return self.file(name, yaml.safe_dump(value, default_flow_style=False))

    def cli(self, *argv):
        '''Runs the original `coordinate` tool (coordinatec) in this process, as its main() does.'''
        config = self.yaml_file('coordinate.yaml', {'coordinate': {'addresses': [self.address]}})
        argv = [a.replace('{tmp}', self.tmp) if isinstance(a, str) else a for a in argv]
        out = StringIO()
        saved = sys.stdout
        sys.stdout = out
        code = None
        try:
            parser = argparse.ArgumentParser()
            app = coordinatec.CoordinateC()
            app.add_arguments(parser)
            args = yakonfig.parse_args(parser, [yakonfig, dblogger, coordinate],
                                       args=['-c', config] + list(argv))
            app.main(args)
            code = app.exitcode
        except SystemExit as exc:
            code = exc.code
        except Exception as exc:
            # The tool itself raised (on the original's error, say): shown, and the scenario goes on.
            out.write('raised: %r\n' % (exc,))
            code = 'raised'
        finally:
            sys.stdout = saved
            yakonfig.clear_global_config()
        self.recorder.emit({
            'type': 'cli',
            'argv': list(argv),
            'stdout': out.getvalue().replace(self.tmp, '<tmp>').replace(self.address, '<address>'),
            'exit': code,
        })
        return out.getvalue()

    def close(self):
        if self._tm is not None:
            self._tm.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def end_state(recorder, address):
    '''Reads back everything the server holds, on a connection of its own: specs and their
    controls, every unit with its data and status, the order in which units are handed out
    (priority, then key), and the workers.'''
    recorder.phase = 'state'
    tm = TaskMaster({'address': address})

    def call(method, *params):
        # A call the server fails is recorded like any other; the reading goes on.
        try:
            return tm._rpc(method, params)
        except Exception:
            return None

    def first(answer):
        return answer[0] if isinstance(answer, (list, tuple)) and answer else None

    try:
        specs = first(call('list_work_specs', {})) or []
        names = sorted(spec['name'] for spec in specs)
        for name in names:
            meta = first(call('get_work_spec_meta', name))
            counts = first(call('count_work_units', name))
            units = first(call('get_work_units', name, {'limit': 10000})) or []
            keys = [key for key, _ in units]
            if keys:
                call('get_work_unit_status', name, keys)
            available = counts.get(1, 0) if isinstance(counts, dict) else 0
            continuous = bool(isinstance(meta, dict) and meta.get('continuous'))
            for _ in range(0 if continuous else min(available, 200)):
                work = first(call('get_work', 'compat-state-reader', {
                    'work_spec_names': [name], 'max_jobs': 1, 'lease_time': 300}))
                if not work or work[0] is None:
                    break
        modes = first(call('list_worker_modes')) or {}
        call('mode_counts')
        call('worker_stats')
        for worker_id in sorted(modes):
            call('get_worker_info', worker_id)
    finally:
        tm.close()
        recorder.phase = 'scenario'
