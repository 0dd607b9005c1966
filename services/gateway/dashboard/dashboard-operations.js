// The dashboard's operations panels: the jobs running now (pushed with each snapshot) and the dead
// letters (asked of the API when the page opens, when failures change, and after each redrive), each
// with the button that acts on it. A classic script loaded after dashboard-common.js, whose helpers
// it uses, and before dashboard.js, which calls renderRunning and deadLetters.tick.

function cancelButton(jobId) {
  return el(
    'button',
    {
      'data-action': 'cancel',
      onclick: (event) => {
        event.stopPropagation();
        act(`cancel ${jobId}`, 'POST', `/api/v1/jobs/${encodeURIComponent(jobId)}/cancel`, {});
      },
    },
    'cancel',
  );
}

function renderRunning(snapshot) {
  const running = snapshot.running;
  $('#running-count').textContent = !running
    ? '(no frontend answers)'
    : running.total > running.jobs.length
      ? `(newest ${running.jobs.length} of ${running.total})`
      : `(${running.total})`;
  $('#running tbody').replaceChildren(
    ...(running?.jobs ?? []).map((job) =>
      el(
        'tr',
        {
          'data-job': job.jobId,
          onclick: async () => {
            try {
              showJob(await api('GET', `/api/v1/jobs/${encodeURIComponent(job.jobId)}`));
            } catch (err) {
              say(err.message);
            }
          },
        },
        el('td', {}, job.jobId),
        el('td', {}, job.user),
        el('td', { 'data-field': 'tasks' }, job.tasks),
        el('td', { 'data-field': 'pending' }, job.pending),
        el('td', { 'data-field': 'running' }, job.running),
        el('td', {}, job.finished),
        el('td', {}, job.failed),
        el('td', {}, `${Math.max(0, Math.round((snapshot.at - job.since) / 1000))} s`),
        el('td', {}, cancelButton(job.jobId)),
      ),
    ),
  );
}

/** How a dead letter is redriven through the API: a job by id, a unit by its spec and key. */
function redrivePath(letter) {
  if (letter.kind === 'job') return [`/api/v1/deadletters/jobs/${encodeURIComponent(letter.id)}/redrive`, {}];
  return [
    `${nsPath()}/deadletters/units/${specPath(letter.detail.spec)}/redrive`,
    { keys: [letter.detail.key] },
  ];
}

const deadLetters = {
  /**
   * What the last snapshot said of failures: the failed units of the specs shown and the ended
   * jobs with failed tasks. Listing job dead letters reads the job log, so the list is asked for
   * again only when this changes (and on refresh and after a redrive), not with every snapshot.
   */
  seen: null,
  async load() {
    try {
      const [jobs, units] = await Promise.all([
        api('GET', '/api/v1/deadletters/jobs?limit=50'),
        api('GET', `${nsPath()}/deadletters/units?limit=50`),
      ]);
      const letters = [...jobs.deadLetters, ...units.deadLetters];
      $('#deadletter-count').textContent =
        jobs.more || units.more ? `(first ${letters.length})` : `(${letters.length})`;
      $('#deadletters tbody').replaceChildren(...letters.map((letter) => this.row(letter)));
    } catch (err) {
      $('#deadletter-count').textContent = `(${err.message})`;
    }
  },
  row(letter) {
    const redrive = el(
      'button',
      {
        'data-action': 'redrive',
        onclick: async () => {
          const [path, body] = redrivePath(letter);
          await act(`redrive ${letter.kind} ${letter.id}`, 'POST', path, body);
          await this.load();
        },
      },
      'redrive',
    );
    return el(
      'tr',
      { 'data-letter': `${letter.kind}:${letter.id}` },
      el('td', {}, letter.kind),
      el('td', {}, letter.id),
      el('td', {}, letter.attempts ?? '-'),
      el('td', {}, letter.lastError),
      el('td', {}, redrive),
    );
  },
  tick(snapshot) {
    const failedUnits = snapshot.specs.reduce((sum, spec) => sum + spec.counts.failed, 0);
    const failedJobs = snapshot.jobs.filter((job) => job.failed > 0).map((job) => job.jobId);
    const now = `${failedUnits} ${failedJobs.join(' ')}`;
    if (now === this.seen) return;
    this.seen = now;
    void this.load();
  },
};
$('#deadletters-refresh').addEventListener('click', () => void deadLetters.load());
