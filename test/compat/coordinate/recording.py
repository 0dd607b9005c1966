# -*- coding: utf-8 -*-
'''Recording the original Coordinate client's exchanges with a server.

Everything the client library (coordinate.TaskMaster, its WorkUnit, the `coordinate` tool and the
worker classes) sends and receives goes through CborRpcClient._rpc over one socket per client.
Both are wrapped here, unchanged in behaviour: each call becomes one exchange record holding the
request and response bytes exactly as they crossed the wire, and the client-side result (Python 2
repr: 'x' is a byte string, u'x' a text string).

What the recorder fixes so that two runs of a scenario can be compared, and why (the rest of the
normalisation is the comparator's, in compare.ts):
- worker ids: Worker.register draws 16 random bytes; here they are a digest of the scenario name
  and a counter, in the same 32-hex-digit form;
- the worker environment's host names, memory figures and pid: fixed values of the same shapes
  (a tuple of addresses, psutil's named tuple), so a recording names no machine and two runs
  report the same environment. (ForkWorker, which kills children by pid, is not run here.)
'''
from __future__ import absolute_import, print_function
import binascii
import collections
import hashlib
import json
import os
import socket as real_socket
import sys
import time

import six

from coordinate import base_client
import coordinate.workers as workers_module


class Recorder(object):
    '''Collects the exchanges of one scenario run and writes them as JSON lines.'''

    def __init__(self, out, scenario):
        self.out = out
        self.scenario = scenario
        self.connections = 0
        self.phase = 'scenario'
        self.meaning = None
        self.started = time.time()

    def emit(self, record):
        record['scenario'] = self.scenario
        self.out.write(json.dumps(record, sort_keys=True) + '\n')
        self.out.flush()


#: The recorder of the scenario being run (one at a time, in this thread).
current = [None]


class RecordingSocket(object):
    '''A socket that keeps what it sends and receives for the exchange in progress.'''

    def __init__(self, sock, client):
        self._sock = sock
        self._client = client

    def send(self, data):
        self._client._compat_sent.append(data)
        return self._sock.send(data)

    def sendall(self, data):
        self._client._compat_sent.append(data)
        return self._sock.sendall(data)

    def recv(self, size):
        data = self._sock.recv(size)
        self._client._compat_received.append(data)
        return data

    def __getattr__(self, name):
        return getattr(self._sock, name)


_original_conn = base_client.CborRpcClient._conn
_original_rpc = base_client.CborRpcClient._rpc


def _recording_conn(self):
    if self._socket is None:
        _original_conn(self)
        recorder = current[0]
        if getattr(self, '_compat_conn', None) is None and recorder is not None:
            recorder.connections += 1
            self._compat_conn = recorder.connections
        self._socket = RecordingSocket(self._socket, self)
    return self._socket


def _recording_rpc(self, method_name, params):
    recorder = current[0]
    self._compat_sent = []
    self._compat_received = []
    error = None
    result = None
    try:
        result = _original_rpc(self, method_name, params)
    except Exception:
        error = sys.exc_info()
    if recorder is not None:
        record = {
            'type': 'exchange',
            'phase': recorder.phase,
            'conn': getattr(self, '_compat_conn', None),
            'method': method_name,
            'request_hex': binascii.hexlify(b''.join(self._compat_sent)),
            'response_hex': binascii.hexlify(b''.join(self._compat_received)),
            'result': None if error else repr(result),
            'client_error': repr(error[1]) if error else None,
            'at': round(time.time() - recorder.started, 3),
        }
        if recorder.meaning is not None:
            record['meaning'] = recorder.meaning
        recorder.emit(record)
    if error:
        six.reraise(*error)
    return result


class _HostShim(object):
    '''The socket module as coordinate.workers sees it: this machine's names replaced.'''
    HOST = 'compat-worker'
    ADDRESS = '127.0.0.1'

    def __getattr__(self, name):
        return getattr(real_socket, name)

    def gethostname(self):
        return self.HOST

    def gethostbyname(self, host):
        return self.ADDRESS

    def gethostbyaddr(self, ip):
        return (self.HOST, [], [self.ADDRESS])

    def getfqdn(self, name=''):
        return self.HOST


_svmem = collections.namedtuple(
    'svmem', ['total', 'available', 'percent', 'used', 'free', 'active', 'inactive', 'buffers',
              'cached', 'shared', 'slab'])
FIXED_MEMORY = _svmem(8 << 30, 6 << 30, 25.0, 2 << 30, 4 << 30, 1 << 30, 1 << 30, 0, 2 << 30, 0, 0)


class _FixedOs(object):
    '''The os module as coordinate.workers sees it: a fixed pid in the environment it reports.'''
    PID = 4242

    def __getattr__(self, name):
        return getattr(os, name)

    def getpid(self):
        return self.PID


class _FixedPsutil(object):
    def virtual_memory(self):
        return FIXED_MEMORY


def install(scenario_ids):
    '''Wraps the client library; `scenario_ids()` names the scenario for worker ids.'''
    base_client.CborRpcClient._conn = _recording_conn
    base_client.CborRpcClient._rpc = _recording_rpc
    counter = [0]

    def nice_identifier():
        counter[0] += 1
        return hashlib.md5('%s/%d' % (scenario_ids(), counter[0])).hexdigest()

    def reset():
        counter[0] = 0

    workers_module.nice_identifier = nice_identifier
    workers_module.socket = _HostShim()
    workers_module.psutil = _FixedPsutil()
    workers_module.os = _FixedOs()
    return reset
