// The dashboard: plain browser JavaScript, no build step. State arrives pushed as server-sent
// events (/api/v1/live, one whole snapshot a tick); actions go to the JSON API.
// Its helpers (`$`, el, showName, api, act, …) are declared by dashboard-common.js, loaded first.

const CHART_POINTS = 300; // five minutes at one snapshot a second

// Charts (uPlot), fed by the snapshots.
const series = { at: [], throughput: [], latency: [] };
function makeChart(target, label, stroke) {
  const width = Math.max(300, target.parentElement.clientWidth - 20);
  return new uPlot(
    {
      width,
      height: 180,
      series: [{}, { label, stroke, width: 2 }],
      axes: [{}, { size: 50 }],
      legend: { show: false },
    },
    [[], []],
    target,
  );
}
const charts = {
  throughput: makeChart($('#throughput-chart'), 'finished/s', '#2da44e'),
  latency: makeChart($('#latency-chart'), 'ms', '#0969da'),
};
function addPoint(snapshot) {
  series.at.push(snapshot.at / 1000);
  series.throughput.push(snapshot.rates.finishedPerSecond);
  series.latency.push(snapshot.rates.storeRoundTripMs);
  for (const list of Object.values(series)) if (list.length > CHART_POINTS) list.shift();
  charts.throughput.setData([series.at, series.throughput]);
  charts.latency.setData([series.at, series.latency]);
  $('#throughput-chart').dataset.points = String(series.at.length);
  $('#latency-chart').dataset.points = String(series.at.length);
}

function progressBar(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const bar = el('div', { class: 'bar', title: `${counts.finished} of ${total} finished` });
  for (const status of ['finished', 'pending', 'failed', 'available']) {
    bar.append(el('span', { class: status, style: `width:${(100 * counts[status]) / total}%` }));
  }
  return bar;
}

function renderSpecs(snapshot) {
  $('#spec-count').textContent =
    snapshot.specCount > snapshot.specs.length
      ? `(first ${snapshot.specs.length} of ${snapshot.specCount})`
      : `(${snapshot.specCount})`;
  const body = $('#specs tbody');
  body.replaceChildren(
    ...snapshot.specs.map((spec) => {
      const paused = spec.status === 'paused';
      const toggle = el(
        'button',
        {
          'data-action': paused ? 'resume' : 'pause',
          onclick: () =>
            act(
              `${paused ? 'resume' : 'pause'} ${showName(spec.name)}`,
              'POST',
              `${nsPath()}/specs/${specPath(spec.name)}/${paused ? 'resume' : 'pause'}`,
            ),
        },
        paused ? 'resume' : 'pause',
      );
      const units = el('button', { onclick: () => openUnits(spec.name) }, 'units');
      const c = spec.counts;
      return el(
        'tr',
        { 'data-spec': showName(spec.name) },
        el('td', {}, showName(spec.name)),
        el('td', { class: paused ? 'paused' : '', 'data-field': 'status' }, spec.status),
        el('td', {}, progressBar(c)),
        ...['available', 'pending', 'finished', 'failed', 'blocked'].map((s) =>
          el('td', { 'data-field': s }, c[s]),
        ),
        el('td', {}, toggle, ' ', units),
      );
    }),
  );
}

/** A node's resource figure; a node started without limits advertises an enormous one. */
const amount = (n) => (n === undefined ? '-' : n >= 1e12 ? 'unlimited' : String(n));

function renderNodes(snapshot) {
  $('#nodes tbody').replaceChildren(
    ...snapshot.nodes.map((node) =>
      el(
        'tr',
        { 'data-node': node.id },
        el('td', {}, node.id),
        el('td', {}, `${node.slots - node.freeSlots} / ${node.slots}`),
        el('td', {}, `${amount(node.free?.cpus)} / ${amount(node.capacity?.cpus)}`),
        el('td', {}, `${amount(node.free?.memMb)} / ${amount(node.capacity?.memMb)}`),
        el('td', {}, node.queueLength ?? 0),
        el('td', {}, `${Math.max(0, Math.round((snapshot.at - node.lastHeartbeat) / 1000))} s ago`),
      ),
    ),
  );
}

function retryButton(spec, key) {
  return el(
    'button',
    {
      onclick: () =>
        act(`retry ${showName(key)}`, 'POST', `${nsPath()}/specs/${specPath(spec)}/units/retry`, {
          keys: [key],
        }),
    },
    'retry',
  );
}

function renderFailures(snapshot) {
  const box = $('#failures');
  if (snapshot.failures.length === 0) {
    box.textContent = 'none';
    return;
  }
  box.replaceChildren(
    ...snapshot.failures.map((f) =>
      el(
        'div',
        { class: 'failure' },
        el('strong', {}, `${showName(f.spec)} / ${showName(f.key)}`),
        ` on ${f.worker ?? '?'} `,
        retryButton(f.spec, f.key),
        el('pre', {}, f.traceback ?? '(no traceback)'),
      ),
    ),
  );
}

function showJob(job) {
  const cancel = el(
    'button',
    {
      onclick: () =>
        act(`cancel ${job.jobId}`, 'POST', `/api/v1/jobs/${encodeURIComponent(job.jobId)}/cancel`, {}),
    },
    'cancel',
  );
  const logs = el('button', { onclick: () => openJobLog(job.jobId) }, 'output');
  const tasks = el(
    'table',
    {},
    el('tr', {}, el('th', {}, 'task'), el('th', {}, 'status'), el('th', {}, 'node'), el('th', {}, 'error')),
  );
  for (const t of job.tasks.slice(0, 100))
    tasks.append(
      el(
        'tr',
        {},
        el('td', {}, t.id),
        el('td', {}, t.status),
        el('td', {}, t.nodeId ?? ''),
        el('td', {}, t.error ?? ''),
      ),
    );
  $('#job-detail').replaceChildren(
    el(
      'p',
      {},
      `job ${job.jobId}: ${job.status} (${job.finished} finished, ${job.failed} failed) `,
      cancel,
      ' ',
      logs,
    ),
    tasks,
  );
}

function renderJobs(snapshot) {
  $('#jobs tbody').replaceChildren(
    ...snapshot.jobs.map((job) =>
      el(
        'tr',
        { onclick: () => showJob(job) },
        el('td', {}, job.jobId),
        el('td', {}, job.status),
        el('td', {}, job.finished),
        el('td', {}, job.failed),
        el('td', {}, job.tasks.length),
      ),
    ),
  );
}

function renderBatch(snapshot) {
  const batch = snapshot.batch;
  $('#batch-counts').textContent = batch
    ? Object.entries(batch.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')
    : '(no dispatcher answers)';
  $('#batch-runs tbody').replaceChildren(
    ...(batch?.runs ?? []).map((run) =>
      el(
        'tr',
        {},
        el('td', {}, run.runId),
        el('td', {}, run.job ?? ''),
        el('td', {}, run.status),
        el('td', {}, `${run.attempt}/${run.maxAttempts}`),
        el('td', {}, run.reason ?? ''),
      ),
    ),
  );
}

$('#job-lookup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $('#job-id').value.trim();
  if (!id) return;
  try {
    showJob(await api('GET', `/api/v1/jobs/${encodeURIComponent(id)}`));
  } catch (err) {
    say(err.message);
  }
});

// The units of one spec, a page (at most 100 rows) at a time.
const unitsView = { spec: null, start: null, next: null };
async function loadUnits() {
  const query = new URLSearchParams({ limit: '100' });
  const status = $('#units-status').value;
  if (status) query.set('status', status);
  if (unitsView.start !== null) {
    const { path, format } = keyPath(unitsView.start);
    query.set('start', decodeURIComponent(path));
    query.set('keyFormat', format);
  }
  try {
    const page = await api('GET', `${nsPath()}/specs/${specPath(unitsView.spec)}/units?${query}`);
    unitsView.next = page.next;
    $('#units-next').disabled = page.next === null;
    $('#units tbody').replaceChildren(
      ...page.units.map((u) =>
        el(
          'tr',
          {},
          el(
            'td',
            {},
            el(
              'a',
              {
                href: '#',
                onclick: (e) => {
                  e.preventDefault();
                  openUnitLog(unitsView.spec, u.key);
                },
              },
              showName(u.key),
            ),
          ),
          el('td', {}, u.status),
          el('td', {}, u.workerId ?? ''),
          el('td', {}, (u.traceback ?? '').trim().split('\n').at(-1)),
          el('td', {}, u.status === 'failed' ? retryButton(unitsView.spec, u.key) : ''),
        ),
      ),
    );
  } catch (err) {
    say(err.message);
  }
}
function openUnits(spec) {
  Object.assign(unitsView, { spec, start: null, next: null });
  $('#units-spec').textContent = showName(spec);
  $('#units-panel').hidden = false;
  void loadUnits();
}
$('#units-first').addEventListener('click', () => {
  unitsView.start = null;
  void loadUnits();
});
$('#units-next').addEventListener('click', () => {
  unitsView.start = unitsView.next;
  void loadUnits();
});
$('#units-status').addEventListener('change', () => {
  unitsView.start = null;
  void loadUnits();
});
$('#units-close').addEventListener('click', () => {
  $('#units-panel').hidden = true;
});

// The log viewer: a unit's data, attempts and tracebacks, or a job's output lines.
function showLog(title, text) {
  $('#log-title').textContent = title;
  $('#log').textContent = text;
  $('#log-panel').hidden = false;
}
$('#log-close').addEventListener('click', () => {
  $('#log-panel').hidden = true;
});
async function openUnitLog(spec, key) {
  const { path, format } = keyPath(key);
  try {
    const unit = await api('GET', `${nsPath()}/specs/${specPath(spec)}/units/${path}?keyFormat=${format}`);
    const lines = [`status: ${unit.status}`, `data: ${JSON.stringify(unit.data, null, 2)}`];
    for (const a of unit.attempts)
      lines.push(
        '',
        `attempt ${a.id ?? ''} by ${a.workerId ?? a.worker_id ?? '?'}: ${a.status}`,
        JSON.stringify(a.data ?? null, null, 2),
      );
    showLog(`${showName(spec)} / ${showName(key)}`, lines.join('\n'));
  } catch (err) {
    say(err.message);
  }
}
async function openJobLog(jobId) {
  try {
    const answer = await api('GET', `/api/v1/jobs/${encodeURIComponent(jobId)}/logs`);
    showLog(
      `job ${jobId}`,
      answer.lines.map((l) => `[${l.taskId} ${l.stream}] ${l.line}`).join('\n') || '(no output)',
    );
  } catch (err) {
    say(err.message);
  }
}

const SNAPSHOT_PANELS = [
  renderSpecs,
  renderNodes,
  renderFailures,
  renderJobs,
  renderRunning,
  function renderDeadLetters(snapshot) {
    deadLetters.tick(snapshot);
  },
  renderBatch,
  addPoint,
];

// The live feed. EventSource reconnects by itself while the gateway is away; when it gives up
// (an answer that is not a stream), a new one is opened a little later.
function connectFeed() {
  connectFeed.current?.close(); // one feed a page, also when a new token reconnects it
  const feed = new EventSource(access.feedUrl());
  connectFeed.current = feed;
  const state = $('#connection');
  feed.addEventListener('open', () => {
    state.dataset.state = 'live';
    state.textContent = 'live';
  });
  feed.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(event.data);
    shown.namespace = snapshot.namespace;
    $('#namespace').textContent = `namespace ${shown.namespace}`;
    $('#updated').textContent = new Date(snapshot.at).toLocaleTimeString();
    // Each panel on its own: one that cannot draw this snapshot leaves the others (and the charts) live.
    for (const render of SNAPSHOT_PANELS) {
      try {
        render(snapshot);
      } catch (err) {
        console.error(`the dashboard could not draw ${render.name}:`, err);
      }
    }
  });
  feed.addEventListener('trouble', (event) => {
    state.textContent = `store trouble: ${JSON.parse(event.data).message}`;
  });
  feed.addEventListener('error', () => {
    state.dataset.state = 'reconnecting';
    state.textContent = 'reconnecting…';
    if (feed.readyState !== EventSource.CLOSED) return;
    // Refused rather than away: ask for a token (again) and connect once it is given.
    fetch(`${nsPath()}/specs`, { headers: access.headers() })
      .then((res) => (res.status === 401 ? access.ask(connectFeed) : setTimeout(connectFeed, 2000)))
      .catch(() => setTimeout(connectFeed, 2000));
  });
}
connectFeed();
