# -*- coding: utf-8 -*-
'''The original `coordinate` tool and worker processes, unchanged, on a day of chained work.

    RUN python tool-and-workers.py --run RUN --target HOST:PORT   against a running server
    RUN python tool-and-workers.py --run RUN --reference          against a fresh original server

RUN is the original's `run` script. Everything is done as a user would: the `coordinate` tool
(`run cli`) for each step, SingleWorker through `coordinate run_one`, and the multi-process
`coordinate_worker` (`run worker`: a ForkWorker whose children are LoopWorkers) for the day's
work, on three specs chained by `then` whose run functions are in jobs.py. Each check prints
`ok` or `FAIL` with what was seen; the last line counts them, and the exit status is the number
that failed. Needs Python 2.7 and the original, so it is run by hand or by a bench, never by
`npm test`.
'''
from __future__ import absolute_import, print_function
import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from record import ReferenceServer  # noqa: E402

FLOW = '''
flows:
  day:
    fetch: {min_gb: 0, module: jobs, run_function: emit_dict, then: day.parse}
    parse: {min_gb: 0, module: jobs, run_function: emit_list, then: day.store}
    store: {min_gb: 0, module: jobs, run_function: fail_on_bad}
'''
UNITS = ['good-%d' % i for i in range(1, 9)] + ['bad-1', 'bad-2']


class Day(object):
    def __init__(self, run, address):
        self.run = run
        self.address = address
        self.tmp = tempfile.mkdtemp(prefix='coordinate-day-')
        self.runs = os.path.join(self.tmp, 'runs.jsonl')
        self.config = os.path.join(self.tmp, 'coordinate.yaml')
        with open(self.config, 'w') as f:
            f.write('coordinate:\n  addresses: [%s]\n  fork_worker:\n'
                    '    num_workers: 2\n    poll_interval: 0.2\n    spawn_interval: 0.05\n'
                    '    heartbeat_interval: 1\n    child_lifetime: 3\n' % json.dumps(address))
        self.env = dict(os.environ, COMPAT_RUN_LOG=self.runs,
                        PYTHONPATH=HERE + os.pathsep + os.environ.get('PYTHONPATH', ''))
        self.results = []
        self.worker = None

    def tool(self, *args):
        '''`coordinate -c CONFIG ARGS...`: its exit status and output.'''
        proc = subprocess.Popen([self.run, 'cli', '-c', self.config] + list(args), env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.tmp)
        out, err = proc.communicate()
        return proc.returncode, out, err

    def check(self, what, ok, seen=''):
        self.results.append(bool(ok))
        print('%s  %s%s' % ('ok  ' if ok else 'FAIL', what, '' if ok else '   (saw: %r)' % (seen,)))

    def summary(self):
        _, out, _ = self.tool('summary', '--json')
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {}

    def ran(self):
        if not os.path.exists(self.runs):
            return []
        with open(self.runs) as f:
            return [tuple(json.loads(line)[:2]) for line in f if line.strip()]

    def status_of(self, spec, key):
        '''The status number `coordinate work_unit` prints after the key, and its output.'''
        _, out, _ = self.tool('work_unit', '-W', spec, key)
        m = re.search(r'^%s \((\d+)\)' % re.escape(key), out, re.M)
        return (int(m.group(1)) if m else None), out

    def close(self):
        # A worker still running (the run stopped early) is stopped, its children with it.
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGTERM)
            wait_for(self.worker, 10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def day_of_work(day):
    with open(os.path.join(day.tmp, 'flow.yaml'), 'w') as f:
        f.write(FLOW)
    with open(os.path.join(day.tmp, 'units.json'), 'w') as f:
        for key in UNITS:
            f.write(json.dumps({key: {'day': 1}}) + '\n')

    # A spec Passerine runs itself (it names a runner), without units: a frontend's pump takes it
    # up and registers as the namespace's worker, which the tool must not show. To the original
    # it is a spec like any other.
    with open(os.path.join(day.tmp, 'pumped.yaml'), 'w') as f:
        f.write('{name: day.pumped, min_gb: 0, runner: {command: "true"}}\n')

    day.tool('delete', '-y')
    code, _, err = day.tool('flow', 'flow.yaml')
    day.tool('load', '-w', 'pumped.yaml', '--no-work')
    _, out, _ = day.tool('work_specs')
    day.check('flow loads the three chained specs', code == 0 and
              out.split() == ['day.fetch', 'day.parse', 'day.pumped', 'day.store'], out or err)
    code, _, err = day.tool('addwork', '-W', 'day.fetch', '-u', 'units.json')
    counts = day.summary().get('day.fetch', {})
    day.check('addwork adds the units of a JSON file (text keys)', code == 0 and counts.get('num_available') == 10,
              counts or err)
    status, out = day.status_of('day.fetch', 'good-3')
    day.check('work_unit finds a unit by the key typed on the command line (bytes)', status == 1, out)
    _, out, _ = day.tool('work_units', '-W', 'day.fetch')
    day.check('work_units lists them by key', out.split() == sorted(UNITS), out)

    day.tool('pause', 'day.fetch')
    code, out, _ = day.tool('run_one', '--from-work-spec', 'day.fetch')
    day.check('a paused spec gives run_one nothing (exit 2)', code == 2 and not day.ran(), (code, day.ran()))
    day.tool('resume', 'day.fetch')

    day.tool('prioritize', 'day.fetch', 'good-7')
    code, out, err = day.tool('run_one', '--from-work-spec', 'day.fetch')
    ran = day.ran()
    day.check('prioritize makes the unit the one run_one (SingleWorker) runs next',
              code == 0 and ran[:1] == [('day.fetch', 'good-7')], ran or err)
    status, out = day.status_of('day.fetch', 'good-7')
    day.check('run_one finished it', status == 4, out)
    counts = day.summary().get('day.parse', {})
    day.check('its output chained through then: 2 units of day.parse', counts.get('num_available') == 2, counts)

    worker = day.worker = subprocess.Popen(
        [day.run, 'worker', '--config', day.config, '--foreground'], env=day.env, cwd=day.tmp,
        stdout=open(os.path.join(day.tmp, 'worker.log'), 'w'), stderr=subprocess.STDOUT)
    seen_workers = set()
    deadline = time.time() + 180
    done = {}
    while time.time() < deadline:
        _, out, _ = day.tool('workers')
        seen_workers.update(line.split(' ')[0] for line in out.splitlines() if line.strip())
        if not seen_workers:
            continue  # the parent registers as it starts, and stays until it stops
        done = day.summary()
        store = done.get('day.store', {})
        if store.get('num_finished', 0) + store.get('num_failed', 0) >= 40:
            break
        time.sleep(1)
    fetch, parse, store = (done.get('day.%s' % s, {}) for s in ('fetch', 'parse', 'store'))
    day.check('coordinate_worker (ForkWorker, LoopWorker children) runs the whole day',
              fetch.get('num_finished') == 10 and parse.get('num_finished') == 20 and
              store.get('num_finished') == 32 and store.get('num_failed') == 8, done)
    day.check('workers lists the ForkWorker while it works', len(seen_workers) >= 1, seen_workers)
    day.check("workers lists no worker that is the server's own", not any('pump' in w for w in seen_workers),
              seen_workers)
    runs = collections.Counter(day.ran())
    twice = sorted(k for k, n in runs.items() if n > 1)
    day.check('every unit ran once (a finish repeated by the worker chains nothing again)',
              not twice and len(runs) == 70, twice or len(runs))

    worker.send_signal(signal.SIGTERM)
    ended = wait_for(worker, 30)
    time.sleep(0.5)
    _, out, _ = day.tool('workers')
    day.check('coordinate_worker stops on SIGTERM and unregisters', ended and not out.strip(), out)

    status, out = day.status_of('day.store', 'bad-1-a-x')
    day.check('a failed unit shows its status and traceback',
              status == 5 and 'Traceback:' in out and 'RuntimeError: bad unit bad-1-a-x' in out, out)
    _, out, _ = day.tool('work_units', '-W', 'day.store', '-s', 'failed')
    day.check('work_units -s failed lists the 8 failures', len(out.split()) == 8, out)
    _, out, _ = day.tool('work_units', '-W', 'day.store', '-s', 'failed', '--details')
    day.check('work_units --details prints a traceback below its unit', 'RuntimeError: bad unit' in out, out)
    status, out = day.status_of('day.store', 'good-1-a-y')
    day.check('a finished unit shows status 4', status == 4, out)

    code, out, _ = day.tool('retry', '-W', 'day.store', 'bad-1-a-x')
    status, shown = day.status_of('day.store', 'bad-1-a-x')
    day.check('retry brings a failed unit back (one key)', 'Retried 1 work unit.' in out and status == 1, (out, shown))
    code, out, _ = day.tool('retry', '-W', 'day.store', '-a')
    counts = day.summary().get('day.store', {})
    day.check('retry -a brings the rest back', 'Retried 7 work units.' in out and counts.get('num_available') == 8,
              (out, counts))
    code, out, err = day.tool('run_one', '--from-work-spec', 'day.store', '--limit-count', '20')
    counts = day.summary().get('day.store', {})
    again = collections.Counter(day.ran())
    bad = [n for (spec, key), n in again.items() if spec == 'day.store' and 'bad' in key]
    day.check('run_one runs them again; they fail again, each once more',
              counts.get('num_failed') == 8 and bad == [2] * 8, (counts, bad, err[-300:]))

    code, out, _ = day.tool('clear', '-W', 'day.store', 'bad-1-a-x', 'bad-1-a-y')
    day.check('clear SPEC KEY... removes those units', 'Removed 2 work units.' in out, out)
    code, out, _ = day.tool('clear', '-W', 'day.store', '-s', 'failed')
    counts = day.summary().get('day.store', {})
    day.check('clear -s failed removes the other failures', 'Removed 6 work units.' in out and
              counts.get('num_failed') == 0 and counts.get('num_tasks') == 32, (out, counts))

    code, out, _ = day.tool('worker_stats')
    day.check('worker_stats answers', code == 0 and 'num_workers' in out, out)
    code, out, _ = day.tool('status', '-W', 'day.fetch')
    day.check('status prints the counts as JSON', code == 0 and json.loads(out).get('num_finished') == 10, out)
    code, out, _ = day.tool('delete', '-y')
    _, specs, _ = day.tool('work_specs')
    day.check('delete -y removes everything', code == 0 and not specs.strip(), specs)


def wait_for(proc, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return True
        time.sleep(0.2)
    proc.kill()
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--run', required=True, help="the original's run script")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--reference', action='store_true', help='start a fresh original server')
    group.add_argument('--target', metavar='HOST:PORT', help='a running server')
    args = parser.parse_args()
    server = ReferenceServer(args.run) if args.reference else None
    day = Day(args.run, server.address if server else args.target)
    try:
        day_of_work(day)
    finally:
        day.close()
        if server:
            server.stop()
    failed = day.results.count(False)
    print('%d checks, %d passed, %d failed' % (len(day.results), len(day.results) - failed, failed))
    sys.exit(failed)


if __name__ == '__main__':
    main()
