/*
 * The plan page (genesys-pipeline plan --html): draws the plan's data (the JSON block
 * #plan-data, see src/plan/html/page-model.ts) with uPlot, inlined in the same file. Per
 * topology: a table of the figures of each distinct result, the burst simulation's lines grouped
 * by unit (one chart per unit, every result on the same chart, the configured bounds dashed), the
 * monthly cost as stacked bars with the cost floor marked, and the verdicts. No network, no
 * framework; everything is built with DOM calls (the page's CSP forbids inline markup styles).
 */
/* global uPlot, document, window, ResizeObserver */
'use strict';

(function planPage() {
  const model = JSON.parse(document.getElementById('plan-data').textContent);
  const root = document.getElementById('plan');
  const CHART_HEIGHT = 260;
  /** One colour per result of a topology (the same result keeps its colour on every chart). */
  const RESULT_COLORS = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2', '#65a30d', '#db2777'];
  /** Line styles within one result: the first line solid, the next ones dashed differently. */
  const LINE_DASHES = [undefined, [8, 4], [2, 3], [12, 3, 2, 3]];
  const COMPONENT_COLORS = [
    '#1d4ed8',
    '#f59e0b',
    '#10b981',
    '#8b5cf6',
    '#ef4444',
    '#06b6d4',
    '#84cc16',
    '#ec4899',
    '#64748b',
    '#a16207',
    '#0f766e',
    '#7c2d12',
  ];
  const BOUND_COLOR = '#475569';
  const UNIT_TITLES = {
    events: 'Backlog — events waiting',
    'events/s': 'Drain — events starting processing per second',
    'concurrent executions': 'Lambda concurrency — concurrent executions',
  };
  const SVG = 'http://www.w3.org/2000/svg';

  const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

  function formatSeconds(s) {
    if (s < 120) return `${intFormat.format(s)} s`;
    if (s < 7200) return `${compactFormat.format(s / 60)} min`;
    if (s < 172800) return `${compactFormat.format(s / 3600)} h`;
    return `${compactFormat.format(s / 86400)} d`;
  }

  /** An element with text and children; attributes by property or setAttribute, never markup. */
  function el(tag, options = {}, children = []) {
    const node = document.createElement(tag);
    if (options.className) node.className = options.className;
    if (options.text !== undefined) node.textContent = options.text;
    for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, String(value));
    for (const child of children) if (child) node.append(child);
    return node;
  }
  function svg(tag, attrs = {}, children = []) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    for (const child of children) if (child) node.append(child);
    return node;
  }

  /** What tests and curious readers can inspect: every chart with its topology and unit. */
  const page = { charts: [], costs: [] };
  window.planPage = page;

  // ---- burst charts ---------------------------------------------------------------------------

  /** One chart of `unit` for the results of a topology that have a burst series. */
  function burstChart(topology, unit, results) {
    const tables = [];
    const series = [{ label: 't', value: (_u, v) => (v === null ? '–' : formatSeconds(v)) }];
    results.forEach(({ result, index }) => {
      const lines = result.burst.lines.filter((l) => l.unit === unit);
      if (lines.length === 0) return;
      tables.push([result.burst.t, ...lines.map((l) => l.values)]);
      lines.forEach((line, j) => {
        series.push({
          label: results.length > 1 ? `${line.label} — ${result.label}` : line.label,
          stroke: RESULT_COLORS[index % RESULT_COLORS.length],
          dash: LINE_DASHES[j % LINE_DASHES.length],
          width: j === 0 ? 2 : 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_u, v) => (v === null ? '–' : intFormat.format(v)),
        });
      });
    });
    if (tables.length === 0) return null;
    const data = uPlot.join(tables);
    const x = data[0];
    // The configured bounds of this unit, once each (several results usually share them).
    const bounds = new Map();
    for (const { result } of results)
      for (const b of result.burst.bounds) if (b.unit === unit) bounds.set(`${b.label}|${b.value}`, b);
    for (const b of bounds.values()) {
      data.push(x.map(() => b.value));
      series.push({
        label: `${b.label}: ${intFormat.format(b.value)}`,
        stroke: BOUND_COLOR,
        dash: [4, 4],
        width: 1.5,
        points: { show: false },
        value: () => intFormat.format(b.value),
      });
    }

    const figure = el('figure', { className: 'card chart', attrs: { 'data-mode': topology.mode, 'data-unit': unit } });
    figure.append(el('figcaption', { text: UNIT_TITLES[unit] || unit }));
    const holder = el('div', { className: 'plot' });
    figure.append(holder);
    // Sized once it is in the document (its width is known then).
    figure.draw = () => {
      const width = Math.max(holder.clientWidth, 320);
      const chart = new uPlot(
        {
          width,
          height: CHART_HEIGHT,
          series,
          scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
          axes: [
            {
              stroke: '#5b6675',
              grid: { stroke: '#eef1f5' },
              values: (_u, ticks) => ticks.map(formatSeconds),
              label: 'time after the burst arrived',
              labelSize: 20,
            },
            {
              stroke: '#5b6675',
              grid: { stroke: '#eef1f5' },
              size: 64,
              values: (_u, ticks) => ticks.map((v) => compactFormat.format(v)),
            },
          ],
          legend: { live: true },
        },
        data,
        holder,
      );
      new ResizeObserver(() =>
        chart.setSize({ width: Math.max(holder.clientWidth, 320), height: CHART_HEIGHT }),
      ).observe(holder);
      page.charts.push({ mode: topology.mode, unit, chart });
    };
    return figure;
  }

  // ---- cost chart -----------------------------------------------------------------------------

  /** Stacked horizontal bars of the monthly cost of each result, the cost floor as a vertical line. */
  function costChart(topology) {
    const results = topology.results;
    const components = [];
    for (const r of results)
      for (const c of r.costBreakdown) if (!components.includes(c.component)) components.push(c.component);
    const color = (component) => COMPONENT_COLORS[components.indexOf(component) % COMPONENT_COLORS.length];
    const floor = model.costFloor.monthlyUsd;
    const max = Math.max(floor, ...results.map((r) => r.monthlyCostUsd)) * 1.12;
    const width = 960;
    const labelWidth = 250;
    const barHeight = 34;
    const rowGap = 14;
    const top = 26;
    const plotWidth = width - labelWidth - 110;
    const height = top + results.length * (barHeight + rowGap) + 30;
    const x = (usd) => labelWidth + (usd / max) * plotWidth;
    const chart = svg('svg', {
      class: 'cost-chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Monthly cost of the ${topology.mode} topology by component; cost floor ${usdFormat.format(floor)}`,
      'data-floor-usd': floor,
      'data-mode': topology.mode,
    });
    // Axis ticks: 5 round steps.
    const step = niceStep(max / 5);
    for (let v = 0; v <= max; v += step) {
      chart.append(
        svg('line', { x1: x(v), x2: x(v), y1: top - 6, y2: height - 24, stroke: '#eef1f5' }),
        svg('text', { x: x(v), y: height - 8, 'text-anchor': 'middle', class: 'tick' }, [
          document.createTextNode(usdFormat.format(v).replace(/\.00$/, '')),
        ]),
      );
    }
    results.forEach((r, i) => {
      const y = top + i * (barHeight + rowGap);
      const row = svg('g', { class: 'cost-row', 'data-total-usd': r.monthlyCostUsd });
      // The settings on two lines: "batch size …" and "MaxConcurrency …".
      const [first, ...rest] = r.label.split(' · ');
      row.append(
        svg('text', { x: labelWidth - 10, y: y + barHeight / 2 - 3, 'text-anchor': 'end', class: 'row-label' }, [
          svg('tspan', {}, [document.createTextNode(shorten(first, 34))]),
          svg('tspan', { x: labelWidth - 10, dy: 16 }, [document.createTextNode(shorten(rest.join(' · '), 34))]),
        ]),
      );
      let at = 0;
      for (const c of r.costBreakdown) {
        if (!(c.monthlyUsd > 0)) continue;
        const rect = svg('rect', {
          x: x(at),
          y,
          width: Math.max(0.5, x(at + c.monthlyUsd) - x(at)),
          height: barHeight,
          fill: color(c.component),
          'data-usd': c.monthlyUsd,
          'data-component': c.component,
        });
        rect.append(
          svg('title', {}, [document.createTextNode(`${c.component}: ${usdFormat.format(c.monthlyUsd)} a month`)]),
        );
        row.append(rect);
        at += c.monthlyUsd;
      }
      row.append(
        svg('text', { x: x(at) + 6, y: y + barHeight / 2 + 4, class: 'total' }, [
          document.createTextNode(usdFormat.format(r.monthlyCostUsd)),
        ]),
      );
      chart.append(row);
    });
    chart.append(
      svg('line', {
        x1: x(floor),
        x2: x(floor),
        y1: top - 10,
        y2: height - 24,
        stroke: '#b42318',
        'stroke-width': 2,
        'stroke-dasharray': '5 4',
        class: 'floor',
      }),
      svg('text', { x: x(floor) + 4, y: top - 12, class: 'floor-label' }, [
        document.createTextNode(`cost floor ${usdFormat.format(floor)}`),
      ]),
    );
    page.costs.push({ mode: topology.mode, svg: chart });

    const legend = el(
      'ul',
      { className: 'legend' },
      components.map((c) => {
        const swatch = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, [
          svg('rect', { width: 12, height: 12, rx: 2, fill: color(c) }),
        ]);
        return el('li', {}, [swatch, document.createTextNode(c)]);
      }),
    );
    const figure = el('figure', { className: 'card cost' }, [
      el('figcaption', { text: `Monthly cost (${model.pricesRegion} prices), by component` }),
      chart,
      legend,
    ]);
    return figure;
  }

  function niceStep(raw) {
    const power = 10 ** Math.floor(Math.log10(raw));
    const m = raw / power;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
  }
  const shorten = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

  // ---- the page -------------------------------------------------------------------------------

  const pendingCharts = [];

  for (const topology of model.topologies) {
    const section = el('section', { className: 'topology', attrs: { id: `topology-${topology.mode}` } });
    section.append(el('h2', { text: `${topology.mode} topology` }));

    // Figures: one column per result.
    const results = topology.results;
    const names = results[0] ? results[0].figures.map(([name]) => name) : [];
    const table = el('table', { className: 'figures' });
    const head = el('tr', {}, [el('th', { text: '' })]);
    results.forEach((r, i) => {
      const th = el('th', { attrs: { scope: 'col' } }, [
        el('span', { className: `swatch c${i % RESULT_COLORS.length}`, attrs: { 'aria-hidden': 'true' } }),
        document.createTextNode(r.label),
      ]);
      head.append(th);
    });
    table.append(el('thead', {}, [head]));
    const body = el('tbody');
    names.forEach((name, k) => {
      const tr = el('tr', {}, [el('th', { text: name, attrs: { scope: 'row' } })]);
      for (const r of results) {
        const value = r.figures[k] ? r.figures[k][1] : '';
        tr.append(el('td', { text: value, className: value === 'NO' ? 'bad' : '' }));
      }
      body.append(tr);
    });
    table.append(body);
    section.append(table);

    const withBurst = results.map((result, index) => ({ result, index })).filter(({ result }) => result.burst);
    if (withBurst.length > 0) {
      const units = [];
      for (const { result } of withBurst)
        for (const l of result.burst.lines) if (!units.includes(l.unit)) units.push(l.unit);
      const grid = el('div', { className: 'chart-grid' });
      for (const unit of units) {
        const figure = burstChart(topology, unit, withBurst);
        if (figure) {
          grid.append(figure);
          pendingCharts.push(figure);
        }
      }
      section.append(grid);
    }

    section.append(costChart(topology));

    const verdicts = el('div', { className: 'card verdicts' }, [el('h3', { text: 'Verdicts' })]);
    results.forEach((r, i) => {
      for (const group of r.verdicts) {
        if (results.length > 1 || r.verdicts.length > 1)
          verdicts.append(
            el('h4', {}, [
              el('span', { className: `swatch c${i % RESULT_COLORS.length}`, attrs: { 'aria-hidden': 'true' } }),
              document.createTextNode(group.label),
            ]),
          );
        verdicts.append(
          el(
            'ul',
            {},
            group.verdicts.map((v) => el('li', { text: v })),
          ),
        );
      }
    });
    section.append(verdicts);
    root.append(section);
  }

  // Prices and their sources.
  const prices = el('section', { className: 'card prices', attrs: { id: 'prices' } }, [
    el('h2', { text: `Prices (${model.pricesRegion})` }),
    el('p', {
      className: 'note',
      text: 'The two marked prices make the cost floor. Each figure names its page and the date it was checked.',
    }),
  ]);
  const priceTable = el('table', { className: 'figures' });
  priceTable.append(
    el('thead', {}, [
      el('tr', {}, [
        el('th', { text: 'price' }),
        el('th', { text: 'value' }),
        el('th', { text: 'unit' }),
        el('th', { text: 'source (checked)' }),
      ]),
    ]),
  );
  const priceBody = el('tbody');
  for (const p of model.prices) {
    priceBody.append(
      el('tr', { className: p.inFloor ? 'in-floor' : '' }, [
        el('th', { text: `${p.inFloor ? '★ ' : ''}${p.id}`, attrs: { scope: 'row' } }),
        el('td', { text: String(p.value) }),
        el('td', { text: p.unit }),
        el('td', { text: `${p.source} (${p.checked})` }),
      ]),
    );
  }
  priceTable.append(priceBody);
  prices.append(priceTable);
  root.append(prices);

  for (const figure of pendingCharts) figure.draw();
  document.body.dataset.rendered = 'true';
})();
