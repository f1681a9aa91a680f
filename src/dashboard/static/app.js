/*
 * Genesys event pipeline dashboard: polls /api/stats every second and draws the last five
 * minutes with uPlot (served locally from /dashboard/vendor/). No framework, no network beyond
 * this origin. Authentication, when the runtime has a token, is the HttpOnly session cookie the
 * server set on the first visit (/?token=…): same-origin fetches send it by themselves.
 */
/* global uPlot, document, window, ResizeObserver */
'use strict';

(function dashboard() {
  const POLL_MS = 1000;
  const REQUEST_TIMEOUT_MS = 2500;
  const STALE_AFTER_MS = 3500;
  const HISTORY_POINTS = 300; // 5 minutes at one point per second
  const CHART_HEIGHT = 210;
  const MAX_QUEUE_ROWS = 8;
  /** Routing statuses in the order of the agent panel (others follow, by name). */
  const ROUTING_STATUS_ORDER = ['IDLE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING', 'OFF_QUEUE'];
  const ROUTING_STATUS_LABELS = {
    IDLE: 'Idle (on queue)',
    INTERACTING: 'Interacting',
    NOT_RESPONDING: 'Not responding',
    COMMUNICATING: 'Communicating',
    OFF_QUEUE: 'Off queue',
    UNKNOWN: 'Unknown',
  };

  const COLORS = {
    ingest: '#2563eb',
    processed: '#059669',
    backlog: '#d97706',
    inflight: '#7c3aed',
    cap: '#64748b',
    p50: '#0891b2',
    p95: '#ea580c',
    p99: '#dc2626',
  };

  const $ = (id) => document.getElementById(id);
  const intFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const twoDecimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  const formatCount = (n) => (n === null || n === undefined ? '–' : intFormat.format(n));
  const formatRate = (n) =>
    n === null || n === undefined ? '–' : n === 0 || n >= 10 ? intFormat.format(n) : oneDecimal.format(n);
  function formatMs(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 10) return twoDecimals.format(ms);
    if (ms < 100) return oneDecimal.format(ms);
    return intFormat.format(ms);
  }
  function formatDuration(ms) {
    if (ms === null || ms === undefined) return '–';
    const total = Math.round(ms / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
  }
  const formatPercent = (ratio) =>
    ratio === null || ratio === undefined ? '–' : `${oneDecimal.format(ratio * 100)} %`;

  // ---- charts ------------------------------------------------------------------------------

  /** Column-oriented history: [time (s), ...series], as uPlot wants it. */
  function history(seriesCount) {
    return Array.from({ length: seriesCount + 1 }, () => []);
  }
  function push(data, values) {
    values.forEach((v, i) => data[i].push(v));
    if (data[0].length > HISTORY_POINTS) data.forEach((column) => column.shift());
  }

  const fromZero = (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1];
  /** Tick steps of whole numbers (1, 2, 5, 10, …) for axes that count events. */
  const WHOLE_STEPS = [1, 2, 5].flatMap((m) => Array.from({ length: 10 }, (_, e) => m * 10 ** e)).sort((a, b) => a - b);
  /** Time ticks no finer than a second (the data has one point per second). */
  const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  // uPlot passes null for ticks it wants unlabelled (the minor ticks of a log scale).
  const axisValues = (format) => (_u, ticks) => ticks.map((v) => (v === null ? null : format(v)));

  function makeChart(id, series, options = {}) {
    const el = $(id);
    const data = history(series.length);
    const chart = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: CHART_HEIGHT,
        series: [{}, ...series.map((s) => ({ width: 2, points: { show: false }, ...s }))],
        scales: { x: { time: true }, y: options.yScale || { range: fromZero } },
        axes: [
          { stroke: '#5b6675', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#dde3ea' }, incrs: TIME_STEPS },
          {
            stroke: '#5b6675',
            grid: { stroke: '#eef1f5' },
            ticks: { stroke: '#dde3ea' },
            size: 62,
            values: axisValues(options.format || formatCount),
            ...(options.wholeNumbers ? { incrs: WHOLE_STEPS } : {}),
          },
        ],
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      el,
    );
    new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 200), height: CHART_HEIGHT })).observe(el);
    return { el, chart, data };
  }

  const charts = {
    rates: makeChart(
      'chart-rates',
      [
        { label: 'Ingest', stroke: COLORS.ingest },
        { label: 'Processed', stroke: COLORS.processed },
      ],
      { format: formatRate },
    ),
    backlog: makeChart(
      'chart-backlog',
      [{ label: 'Backlog', stroke: COLORS.backlog, fill: 'rgba(217, 119, 6, 0.12)' }],
      { wholeNumbers: true },
    ),
    concurrency: makeChart(
      'chart-concurrency',
      [
        { label: 'In flight', stroke: COLORS.inflight, fill: 'rgba(124, 58, 237, 0.12)' },
        { label: 'Concurrency cap', stroke: COLORS.cap, dash: [6, 4], width: 1.5 },
      ],
      { wholeNumbers: true },
    ),
    latency: makeChart(
      'chart-latency',
      [
        { label: 'p50', stroke: COLORS.p50 },
        { label: 'p95', stroke: COLORS.p95 },
        { label: 'p99', stroke: COLORS.p99 },
      ],
      {
        format: (ms) => (ms >= 1000 ? `${twoDecimals.format(ms / 1000)} s` : twoDecimals.format(ms)),
        // Logarithmic: p50 and p99 stay readable together even when a backlog stretches p99.
        yScale: {
          distr: 3,
          log: 10,
          range: (_u, min, max) =>
            min === null || max === null || !(min > 0) ? [0.1, 100] : uPlot.rangeLog(min, max, 10, true),
        },
      },
    ),
  };

  /** Latency on a log scale: a 0 (sub-microsecond) or missing value is left out of the line. */
  const positiveOrNull = (v) => (v === null || v === undefined || !(v > 0) ? null : v);

  function updateCharts(stats, timeSeconds) {
    push(charts.rates.data, [timeSeconds, stats.ingestPerSecond, stats.eventsPerSecond]);
    push(charts.backlog.data, [timeSeconds, stats.backlog]);
    push(charts.concurrency.data, [timeSeconds, stats.inFlight, stats.concurrencyLimit]);
    push(charts.latency.data, [
      timeSeconds,
      positiveOrNull(stats.latencyMs.p50),
      positiveOrNull(stats.latencyMs.p95),
      positiveOrNull(stats.latencyMs.p99),
    ]);
    for (const { chart, data } of Object.values(charts)) chart.setData(data);

    charts.rates.el.setAttribute(
      'aria-label',
      `Events per second: ingest ${formatRate(stats.ingestPerSecond)}, processed ${formatRate(stats.eventsPerSecond)}`,
    );
    charts.backlog.el.setAttribute('aria-label', `Backlog: ${formatCount(stats.backlog)} events waiting`);
    charts.concurrency.el.setAttribute(
      'aria-label',
      `In flight: ${formatCount(stats.inFlight)} of a bound of ${formatCount(stats.concurrencyLimit)}`,
    );
    charts.latency.el.setAttribute(
      'aria-label',
      `Latency: p50 ${formatMs(stats.latencyMs.p50)} ms, p95 ${formatMs(stats.latencyMs.p95)} ms, p99 ${formatMs(stats.latencyMs.p99)} ms`,
    );
  }

  // ---- numbers -----------------------------------------------------------------------------

  function setText(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
  }

  function updateNumbers(stats) {
    setText('kpi-ingest', formatRate(stats.ingestPerSecond));
    setText('kpi-processed', formatRate(stats.eventsPerSecond));
    setText('kpi-backlog', formatCount(stats.backlog));
    setText('kpi-inflight', formatCount(stats.inFlight));
    setText('kpi-cap', formatCount(stats.concurrencyLimit));
    setText('kpi-p99', formatMs(stats.latencyMs.p99));

    setText('count-accepted', formatCount(stats.accepted));
    setText('count-processed', formatCount(stats.processed));
    setText('count-duplicates', formatCount(stats.duplicates));
    setText('count-retried', formatCount(stats.retried));
    setText('count-failed', formatCount(stats.failed));
    setText('count-invalid', formatCount(stats.invalid));
    setText('count-dead-lettered', formatCount(stats.deadLettered));
    setText('count-peak', formatCount(stats.processorConcurrencyPeak));
    $('count-dead-lettered').parentElement.dataset.alert = String(stats.deadLettered > 0);

    setText('uptime', formatDuration(stats.uptimeSeconds * 1000));
    updateContactCentre(stats);
  }

  function updateContactCentre(stats) {
    const cc = stats.contactCentre;
    const note = $('cc-unavailable');
    if (cc === null || cc === undefined) {
      note.hidden = false;
      setText(
        'cc-unavailable',
        stats.contactCentreError
          ? `Contact-centre figures unavailable: ${stats.contactCentreError}`
          : 'This runtime reports no contact-centre figures.',
      );
    } else {
      note.hidden = true;
    }
    setText('cc-active', formatCount(cc ? cc.activeConversations : null));
    setText('cc-abandon', formatPercent(cc ? cc.abandonRate : null));
    setText('cc-aht', formatDuration(cc ? cc.averageHandleTimeMs : null));
    setText('cc-ended', formatCount(cc ? cc.conversationsEnded : null));
    renderQueues(cc ? cc.waitingByQueue : []);
    renderAgents(cc ? cc.agents : undefined);
  }

  function renderAgents(agents) {
    const counts = agents ? agents.byRoutingStatus : {};
    const statuses = Object.keys(counts).sort((a, b) => {
      const i = ROUTING_STATUS_ORDER.indexOf(a);
      const j = ROUTING_STATUS_ORDER.indexOf(b);
      return (i < 0 ? 99 : i) - (j < 0 ? 99 : j) || (a < b ? -1 : a > b ? 1 : 0);
    });
    const loggedIn = statuses.reduce((sum, s) => sum + counts[s], 0);
    setText('agents-logged-in', formatCount(agents ? loggedIn : null));
    setText('agents-offline', formatCount(agents ? agents.offline : null));
    const rows = [];
    if (statuses.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = document.createElement('td');
      td.colSpan = 3;
      td.textContent = agents && agents.offline > 0 ? 'Every agent is logged off' : 'No agent state yet';
      tr.append(td);
      rows.push(tr);
    }
    const max = Math.max(1, ...statuses.map((s) => counts[s]));
    for (const status of statuses) {
      const tr = document.createElement('tr');
      tr.dataset.status = status;
      const name = document.createElement('td');
      name.textContent = ROUTING_STATUS_LABELS[status] || status;
      name.title = status;
      const count = document.createElement('td');
      count.className = 'num';
      count.textContent = formatCount(counts[status]);
      const barCell = document.createElement('td');
      barCell.className = 'bar-cell';
      barCell.setAttribute('aria-hidden', 'true');
      const bar = document.createElement('div');
      bar.className = `bar status-${status.toLowerCase().replace(/[^a-z_]/g, '')}`;
      bar.style.width = `${(counts[status] / max) * 100}%`;
      barCell.append(bar);
      tr.append(name, count, barCell);
      rows.push(tr);
    }
    $('agent-rows').replaceChildren(...rows);
  }

  /** A table row of one muted cell spanning `columns`. */
  function emptyRow(columns, text) {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    const td = document.createElement('td');
    td.colSpan = columns;
    td.textContent = text;
    tr.append(td);
    return tr;
  }

  function renderQueues(queues) {
    const body = $('queue-rows');
    const waiting = queues.filter((q) => q.waiting > 0);
    const rows = [];
    if (waiting.length === 0) rows.push(emptyRow(3, 'No one waiting'));
    const max = Math.max(1, ...waiting.map((q) => q.waiting));
    for (const q of waiting.slice(0, MAX_QUEUE_ROWS)) {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.className = 'queue-name';
      name.textContent = q.queueName || q.queueId;
      name.title = q.queueId;
      const count = document.createElement('td');
      count.className = 'num';
      count.textContent = formatCount(q.waiting);
      const barCell = document.createElement('td');
      barCell.className = 'bar-cell';
      barCell.setAttribute('aria-hidden', 'true');
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${(q.waiting / max) * 100}%`;
      barCell.append(bar);
      tr.append(name, count, barCell);
      rows.push(tr);
    }
    if (waiting.length > MAX_QUEUE_ROWS) {
      const rest = waiting.slice(MAX_QUEUE_ROWS);
      const total = formatCount(rest.reduce((s, q) => s + q.waiting, 0));
      rows.push(emptyRow(3, `+ ${rest.length} more queues with ${total} waiting`));
    }
    body.replaceChildren(...rows);
  }

  // ---- recent conversations (names from the directory, resolved by the server when read) ----

  const MAX_RECENT_ROWS = 8;
  const RECENT_EVERY_POLLS = 2;

  /** A cell showing the name of `id` (from `names`), the id on hover; the short id when unnamed. */
  function nameCell(ids, names, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    const list = (ids || []).filter(Boolean);
    if (list.length === 0) {
      td.textContent = '–';
      return td;
    }
    // Unnamed: a UUID shortened (its full form on hover), any other id (a system code) as it is.
    const short = (id) => (/^[0-9a-f]{8}-/i.test(id) ? `${id.slice(0, 8)}…` : id);
    td.textContent = list.map((id) => (names && names[id]) || short(id)).join(', ');
    td.title = list.join(', ');
    return td;
  }

  function renderRecent(conversations) {
    const rows = [];
    for (const c of conversations.slice(0, MAX_RECENT_ROWS)) {
      const names = c.names || { queues: {}, users: {}, wrapupCodes: {} };
      const tr = document.createElement('tr');
      const id = nameCell([c.conversationId], {}, 'conversation-id');
      const media = document.createElement('td');
      media.textContent = c.mediaType ? c.mediaType.toLowerCase() : '–';
      const queues = c.waitingQueueId ? [c.waitingQueueId] : c.queueIds;
      const state = document.createElement('td');
      state.textContent = c.state === 'active' ? (c.waitingQueueId ? 'waiting' : 'active') : 'ended';
      tr.append(
        id,
        media,
        nameCell(queues, names.queues, 'queue-cell'),
        nameCell(c.userIds, names.users, 'agent-cell'),
        nameCell(c.wrapupCodes, names.wrapupCodes, 'wrapup-cell'),
        state,
      );
      rows.push(tr);
    }
    if (rows.length === 0) rows.push(emptyRow(6, 'No conversation yet'));
    $('recent-rows').replaceChildren(...rows);
  }

  let polls = 0;
  let recentServed = true;
  async function pollRecent() {
    if (!recentServed || polls++ % RECENT_EVERY_POLLS !== 0) return;
    try {
      const response = await fetch(`/api/conversations?limit=${MAX_RECENT_ROWS}`, {
        cache: 'no-store',
        headers: { Accept: 'application/json' },
      });
      if (response.ok) renderRecent((await response.json()).conversations || []);
      else if (response.status === 404) {
        // This runtime serves no conversation projection: no panel, no more polls.
        recentServed = false;
        $('recent-rows').closest('section').hidden = true;
      }
    } catch {
      // the stats poll reports the connection state
    }
  }

  // ---- status and polling ------------------------------------------------------------------

  let lastOkAt = 0;
  let currentState = 'connecting';

  function setStatus(state, text) {
    $('status').dataset.state = state;
    // Only a change of state is announced (the element is an ARIA live region).
    if (state !== currentState || $('status-text').textContent !== text) setText('status-text', text);
    currentState = state;
  }

  function showFailure(reason) {
    const now = Date.now();
    if (reason === 401) {
      setStatus(
        'error',
        'Not authorised: reopen the dashboard with the link "genesys-pipeline run" printed (…/?token=…)',
      );
    } else if (lastOkAt === 0) {
      setStatus('stale', `No answer from the pipeline yet (${reason})`);
    } else if (now - lastOkAt >= STALE_AFTER_MS) {
      // The status is a live region: its text changes with the state only, the age goes beside it.
      setStatus('stale', `Stale: no answer from the pipeline (${reason})`);
    }
    if (lastOkAt > 0)
      setText(
        'last-update',
        `Last update ${timeFormat.format(new Date(lastOkAt))}, ${Math.round((now - lastOkAt) / 1000)} s ago`,
      );
  }

  async function poll() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch('/api/stats', {
        cache: 'no-store',
        headers: { Accept: 'application/json' },
        signal: controller.signal,
      });
      if (!response.ok) {
        showFailure(response.status === 401 ? 401 : `HTTP ${response.status}`);
        return;
      }
      const stats = await response.json();
      lastOkAt = Date.now();
      updateNumbers(stats);
      // Other panels of the page (latency-split.js) draw from the same answer.
      document.dispatchEvent(new CustomEvent('pipeline-stats', { detail: stats }));
      updateCharts(stats, lastOkAt / 1000);
      const admission = stats.admission;
      if (admission && admission.state === 'throttling')
        setStatus(
          'throttling',
          admission.reason === 'disk'
            ? 'Live — throttling PutEvents: low disk space'
            : `Live — throttling PutEvents: backlog over ${formatCount(admission.maxBacklog)}`,
        );
      else setStatus('live', 'Live');
      setText('last-update', `Updated ${timeFormat.format(new Date(lastOkAt))}`);
    } catch (error) {
      showFailure(error && error.name === 'AbortError' ? 'timed out' : 'connection failed');
    } finally {
      clearTimeout(timer);
    }
  }

  async function loop() {
    const started = Date.now();
    await poll();
    await pollRecent();
    window.setTimeout(loop, Math.max(0, POLL_MS - (Date.now() - started)));
  }

  loop();
})();
