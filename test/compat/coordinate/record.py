# -*- coding: utf-8 -*-
'''Runs the Coordinate scenarios against a server and records every exchange (JSON lines).

    record.py --reference RUN --out FILE [SCENARIO...]   a fresh original server per scenario
    record.py --target HOST:PORT --out FILE [SCENARIO...] a running server (Passerine), reset
                                                         before each scenario (clear, workers
                                                         unregistered; not recorded)

RUN is the original's `run` script (run serve PORT starts it). Needs Python 2.7 and the original
client library on the path, which `RUN python record.py ...` provides. `npm run compat:record`
drives this and compares the recordings (test/compat/record.ts).
'''
from __future__ import absolute_import, print_function
import argparse
import os
import socket
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import recording  # noqa: E402  (after the path is set)
from harness import Harness, end_state  # noqa: E402
from coordinate import TaskMaster  # noqa: E402
import scenarios  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ReferenceServer(object):
    '''The original server, in memory, in a process of its own.'''

    def __init__(self, run):
        self.port = free_port()
        self.proc = subprocess.Popen([run, 'serve', str(self.port)], stderr=open(os.devnull, 'w'))
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                break
            except socket.error:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError('the reference server did not start')
                time.sleep(0.05)
        self.address = '127.0.0.1:%d' % self.port

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def reset(address):
    '''A running server as a fresh one: no specs, no workers.'''
    tm = TaskMaster({'address': address})
    try:
        tm.clear()
        modes = tm.workers() or {}
        for worker_id in modes:
            tm.worker_unregister(worker_id)
    finally:
        tm.close()


def run_scenario(name, fn, address, out):
    recorder = recording.Recorder(out, name)
    recording.current[0] = recorder
    h = Harness(recorder, address)
    recorder.emit({'type': 'scenario', 'doc': (fn.__doc__ or '').strip(), 'address': address,
                   'tmp': h.tmp, 'started': recorder.started})
    try:
        fn(h)
    except Exception:
        recorder.emit({'type': 'crash', 'traceback': traceback.format_exc()})
    finally:
        h.close()
    try:
        end_state(recorder, address)
    except Exception:
        recorder.emit({'type': 'crash', 'traceback': traceback.format_exc()})
    recording.current[0] = None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--reference', metavar='RUN', help="the original's run script")
    group.add_argument('--target', metavar='HOST:PORT', help='a running server')
    parser.add_argument('--out', required=True)
    parser.add_argument('--list', action='store_true', help='print the scenario names and stop')
    parser.add_argument('names', nargs='*')
    args = parser.parse_args()
    chosen = scenarios.select(args.names)
    if args.list:
        for name, _ in chosen:
            print(name)
        return
    current_name = ['']
    reset_ids = recording.install(lambda: current_name[0])
    with open(args.out, 'w') as out:
        for name, fn in chosen:
            current_name[0] = name
            reset_ids()
            if args.reference:
                server = ReferenceServer(args.reference)
                try:
                    run_scenario(name, fn, server.address, out)
                finally:
                    server.stop()
            else:
                recording.current[0] = None
                reset(args.target)
                run_scenario(name, fn, args.target, out)
            sys.stderr.write('recorded %s\n' % name)


if __name__ == '__main__':
    main()
