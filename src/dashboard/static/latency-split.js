/*
 * "Where the time goes": the latency split of the running pipeline (/api/stats latencySplitMs),
 * drawn from the answer app.js fetches every second (the 'pipeline-stats' event): one bar of the
 * mean time an event spends queued, in the batching window and processing, the quantiles of each
 * stage, and what the batching window costs. No network of its own.
 */
/* global document */
'use strict';

(function latencySplit() {
  const STAGES = ['queued', 'batching', 'processing'];
  const LABELS = { queued: 'Queued', batching: 'Batching window', processing: 'Processing' };
  const $ = (id) => document.getElementById(id);
  const twoDecimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

  function formatMs(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms >= 10_000) return `${oneDecimal.format(ms / 1000)} s`;
    if (ms >= 100) return `${whole.format(ms)} ms`;
    if (ms >= 10) return `${oneDecimal.format(ms)} ms`;
    return `${twoDecimals.format(ms)} ms`;
  }
  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function update(split) {
    setText($('split-window'), String(split.windowSeconds));
    const has = split.samples > 0 && split.totalMean !== null && split.totalMean > 0;
    $('split-empty').hidden = has;
    const bar = $('split-bar');
    bar.dataset.samples = String(split.samples);
    // Shares of the stages' sum, so that the segments fill the bar exactly: the total mean is
    // measured apart from the stages and rounded, so the stages' sum can differ from it slightly.
    const stagesSum = STAGES.reduce((acc, stage) => acc + (split[stage].mean ?? 0), 0);
    for (const stage of STAGES) {
      const mean = split[stage].mean;
      const seg = $(`split-seg-${stage}`);
      const share = has && mean !== null && stagesSum > 0 ? mean / stagesSum : 0;
      seg.style.width = `${(share * 100).toFixed(2)}%`;
      seg.dataset.meanMs = mean === null ? '' : String(mean);
      // A label only where it fits; the table has every number.
      setText(seg.firstElementChild, share >= 0.12 ? `${LABELS[stage]} ${formatMs(mean)}` : '');
      seg.title = `${LABELS[stage]}: ${formatMs(mean)} on average (${whole.format(share * 100)} %)`;
    }
    bar.setAttribute(
      'aria-label',
      has
        ? `Mean ${formatMs(split.totalMean)} from accept to processed: ${STAGES.map((s) => `${LABELS[s]} ${formatMs(split[s].mean)}`).join(', ')}`
        : 'No latency split yet',
    );
    for (const stage of [...STAGES, 'stored']) {
      const row = document.querySelector(`.split-table tr[data-stage="${stage}"]`);
      for (const cell of row.querySelectorAll('td[data-q]')) setText(cell, formatMs(split[stage][cell.dataset.q]));
    }
    const summary = $('split-summary');
    if (!has) {
      setText(summary, '');
      return;
    }
    const batching = split.batching.mean;
    const share = whole.format((batching / split.totalMean) * 100);
    const window =
      split.batchWindowMs === null
        ? ''
        : split.batchWindowMs === 0
          ? ' (no batching window configured: batches start as soon as messages arrive)'
          : ` (configured window: up to ${formatMs(split.batchWindowMs)} while a batch fills; --batch-window-ms)`;
    setText(
      summary,
      `Of ${formatMs(split.totalMean)} from accept to processed on average, ${formatMs(batching)} (${share} %) is spent waiting in the batching window${window}.`,
    );
  }

  document.addEventListener('pipeline-stats', (event) => {
    const split = event.detail && event.detail.latencySplitMs;
    if (split) update(split);
  });
})();
