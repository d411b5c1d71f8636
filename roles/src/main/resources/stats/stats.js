/* Gorgon stats dashboard: one /api/stats fetch per window, then one /api/stream event a second. */
(function () {
  'use strict';

  const FIVE_MIN = 300;
  const LINES = [
    ['in', 'enqueued', '#5aa9ff'],
    ['processed', 'processed', '#22c55e'],
    ['redelivered', 'redelivered', '#f59e0b'],
    ['failed', 'failed', '#ef4444'],
    ['deadLettered', 'dead-lettered', '#a78bfa'],
  ];
  const ITEM_LINES = [['added', 'added', '#22c55e'], ['edited', 'edited', '#5aa9ff'], ['deleted', 'deleted', '#ef4444']];
  const HEAT_COLORS = ['#12324a', '#1f6f8b', '#2a9d8f', '#8ac926', '#ffca3a', '#ff7b3a', '#ff3d5a'];
  const REFETCH_MS = { '1h': 10000, '24h': 30000, '30d': 60000 };

  const $ = (id) => document.getElementById(id);
  const state = {
    window: '5m',
    sec: new Map(),      // second (ms) -> row, fed by the 5m fetch and every stream event
    win: null,           // {res, times, rows} of the selected longer window
    buckets: [],
    mesh: { queues: [], instances: [], deadLetters: {}, generatedAt: 0, meshError: null },
    knownSeries: new Set(),
    knownQueues: new Set(),
    events: 0, lastEventAt: 0, heatCells: 0, freshCells: 0, feedPoints: 0, tpPoints: 0, lastTime: 0, fetchSeq: 0, refetchTimer: null,
  };

  const axisStyle = {
    axisLine: { lineStyle: { color: '#314052' } },
    axisTick: { show: false },
    axisLabel: { color: '#8593a6', fontSize: 11 },
    splitLine: { lineStyle: { color: '#1f2a37' } },
  };
  const tooltipStyle = { backgroundColor: '#0b1016', borderColor: '#314052', textStyle: { color: '#d8dee9', fontSize: 12 } };

  const heatChart = echarts.init($('heatmap'), null, { renderer: 'canvas' });
  const tpChart = echarts.init($('throughput'));
  const itemsChart = echarts.init($('items'));
  const deadChart = echarts.init($('dead'));
  const latChart = echarts.init($('latency'));
  const feedsChart = echarts.init($('feeds'));
  const freshChart = echarts.init($('freshness'));
  window.addEventListener('resize', () => [heatChart, tpChart, itemsChart, deadChart, latChart, feedsChart, freshChart].forEach((c) => c.resize()));
  const ops = () => window.gorgonOps || { queueActions: () => '', instanceActions: () => '', syncQueues() {} };

  // ---------- data ----------

  function emptyRow() { return { q: {}, items: { added: 0, edited: 0, deleted: 0 }, h: {} }; }
  function zeroQ() { return { in: 0, processed: 0, failed: 0, redelivered: 0, deadLettered: 0 }; }

  function decode(p) {
    if (p.buckets) state.buckets = p.buckets;
    const rows = p.times.map(emptyRow);
    for (const [queue, lines] of Object.entries(p.series.throughput || {})) {
      state.knownQueues.add(queue);
      for (const [k, arr] of Object.entries(lines)) {
        arr.forEach((v, i) => { if (v) (rows[i].q[queue] ||= zeroQ())[k] = v; });
      }
    }
    for (const [k, arr] of Object.entries(p.series.items || {})) arr.forEach((v, i) => { rows[i].items[k] = v; });
    for (const [series, hm] of Object.entries(p.heatmap || {})) {
      state.knownSeries.add(series);
      if (hm.buckets) state.buckets = hm.buckets;
      for (const [t, b, c] of hm.cells) (rows[t].h[series] ||= {})[b] = c;
    }
    return { res: p.resolutionSeconds, times: p.times, rows };
  }

  function takeMesh(p) {
    state.mesh = {
      queues: p.queues || [], instances: p.instances || [], deadLetters: p.deadLetters || {},
      generatedAt: p.generatedAt, meshError: p.meshError || null,
    };
    for (const q of state.mesh.queues) state.knownQueues.add(q.queue);
  }

  function mergeSeconds(d) {
    d.times.forEach((t, i) => state.sec.set(t, d.rows[i]));
    const newest = Math.max(...state.sec.keys());
    for (const t of state.sec.keys()) if (t <= newest - FIVE_MIN * 1000) state.sec.delete(t);
  }

  function newestSecond() {
    return state.sec.size ? Math.max(...state.sec.keys()) : Math.floor(Date.now() / 1000) * 1000 - 1000;
  }

  /** What the charts show: the live 5 minutes, or the fetched longer window. */
  function view() {
    if (state.window !== '5m' && state.win) return state.win;
    const end = newestSecond();
    const times = [];
    for (let t = end - (FIVE_MIN - 1) * 1000; t <= end; t += 1000) times.push(t);
    return { res: 1, times, rows: times.map((t) => state.sec.get(t) || emptyRow()) };
  }

  /** Per-second rates over the complete seconds before the newest (which may still grow). */
  function recent(n) {
    const end = newestSecond() - 1000;
    const rows = [];
    for (let t = end - (n - 1) * 1000; t <= end; t += 1000) rows.push(state.sec.get(t) || emptyRow());
    return rows;
  }

  // ---------- formatting ----------

  const pad = (n) => String(n).padStart(2, '0');
  function timeLabel(t, res) {
    const d = new Date(t);
    if (res >= 3600) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:00`;
    if (res >= 60) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  function fmtRate(v) {
    if (!v) return '0';
    if (v >= 10000) return (v / 1000).toFixed(1) + 'k';
    if (v >= 100) return Math.round(v).toLocaleString('en-US');
    if (v >= 10) return v.toFixed(1);
    return v.toFixed(2).replace(/\.?0+$/, '') || '0';
  }
  const fmtInt = (v) => (v || 0).toLocaleString('en-US');
  const fmtAxis = (v) => (Number.isInteger(v) ? fmtInt(v) : fmtRate(v));
  function fmtDur(ms) {
    if (ms == null || ms < 0) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${pad(Math.floor(s % 60))}s`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
    return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  }
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  /** The bucket label holding the q-quantile of summed bucket counts, e.g. "≤25.6 ms". */
  function quantile(counts, q) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (!total) return null;
    let acc = 0;
    for (let b = 0; b < counts.length; b++) {
      acc += counts[b];
      if (acc >= q * total) return state.buckets[b] || `#${b}`;
    }
    return state.buckets[counts.length - 1];
  }
  /** The q-quantile as the upper bound of its bucket in ms (bucket k ends at 0.1 ms · 2^k), or null. */
  function quantileMs(counts, q) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (!total) return null;
    let acc = 0;
    for (let b = 0; b < counts.length; b++) {
      acc += counts[b];
      if (acc >= q * total) return 0.1 * 2 ** b;
    }
    return 0.1 * 2 ** (counts.length - 1);
  }
  function bucketSums(rows, series) {
    const counts = new Array(state.buckets.length || 19).fill(0);
    for (const r of rows) for (const [b, c] of Object.entries(r.h[series] || {})) counts[+b] += c;
    return counts;
  }

  // ---------- rendering ----------

  function syncSelect(sel, values, first) {
    const want = (first !== undefined ? [first] : []).concat(values);
    const have = [...sel.options].map((o) => o.value);
    if (want.join('\u0000') === have.join('\u0000')) return;
    const keep = sel.value;
    sel.innerHTML = want.map((v) => `<option value="${esc(v)}">${esc(v === '' ? 'all queues' : v)}</option>`).join('');
    if (want.includes(keep)) sel.value = keep;
  }

  function renderHeatmap(v) {
    const sel = $('heat-series');
    const series = [...state.knownSeries].sort((a, b) => (a === 'http' ? -1 : b === 'http' ? 1 : a.localeCompare(b)));
    syncSelect(sel, series.length ? series : ['http']);
    state.heatCells = drawHeat(heatChart, v, sel.value || 'http', $('heat-hint'));
  }

  /** A latency heatmap of one series onto chart, its quantiles into hint; returns the number of cells drawn. */
  function drawHeat(chart, v, s, hint) {
    const cells = [];
    let lo = Infinity, hi = -Infinity, max = 0;
    v.rows.forEach((r, i) => {
      for (const [b, c] of Object.entries(r.h[s] || {})) {
        if (!c) continue;
        cells.push([i, +b, c]);
        lo = Math.min(lo, +b); hi = Math.max(hi, +b); max = Math.max(max, c / v.res);
      }
    });
    const nb = state.buckets.length || 19;
    // Show the occupied latency range with a margin, at least 8 buckets tall: readable, not 19 mostly-empty rows.
    if (!cells.length) { lo = 3; hi = 10; }
    lo = Math.max(0, lo - 1); hi = Math.min(nb - 1, hi + 1);
    while (hi - lo < 7) { if (lo > 0) lo--; if (hi - lo < 7 && hi < nb - 1) hi++; if (lo === 0 && hi === nb - 1) break; }
    const yLabels = state.buckets.slice(lo, hi + 1);
    const data = cells.map(([i, b, c]) => [i, b - lo, Math.log10(1 + c / v.res), c]);
    const counts = bucketSums(v.rows, s);
    const p50 = quantile(counts, 0.5), p90 = quantile(counts, 0.9), p99 = quantile(counts, 0.99);
    hint.textContent = p50
      ? `${fmtInt(counts.reduce((a, b) => a + b, 0))} samples · p50 ${p50} · p90 ${p90} · p99 ${p99}`
      : 'no samples in this window';
    const logMax = Math.max(Math.log10(1 + max), 0.3);
    chart.setOption({
      animation: false,
      grid: { left: 70, right: 90, top: 10, bottom: 28 },
      tooltip: {
        ...tooltipStyle,
        formatter: (p) => `${timeLabel(v.times[p.value[0]], v.res)}<br>${esc(yLabels[p.value[1]])}: <b>${fmtInt(p.value[3])}</b>`
          + (v.res > 1 ? ` (${fmtRate(p.value[3] / v.res)}/s)` : ''),
      },
      xAxis: { type: 'category', data: v.times.map((t) => timeLabel(t, v.res)), ...axisStyle,
        splitLine: { show: false }, axisLabel: { ...axisStyle.axisLabel, hideOverlap: true } },
      yAxis: { type: 'category', data: yLabels, ...axisStyle, splitLine: { show: false } },
      visualMap: {
        type: 'continuous', min: 0, max: logMax, dimension: 2, orient: 'vertical', right: 4, top: 'middle',
        itemHeight: 200, itemWidth: 10, calculable: false, precision: 1,
        text: [fmtRate(max) + '/s', '0'], textStyle: { color: '#8593a6', fontSize: 11 },
        formatter: (x) => fmtRate(Math.pow(10, x) - 1),
        inRange: { color: HEAT_COLORS },
      },
      series: [{ type: 'heatmap', data, progressive: 0, itemStyle: { borderColor: '#161d26', borderWidth: v.times.length > 400 ? 0 : 0.5 },
        emphasis: { itemStyle: { borderColor: '#fff', borderWidth: 1 } } }],
    }, { replaceMerge: ['series'] });
    return cells.length;
  }

  /** Legend, tooltip and axes of a chart of per-second rates over the window {@code v}. */
  function rateFrame(v) {
    return {
        legend: { top: 0, textStyle: { color: '#b8c2d0' }, itemWidth: 14, itemHeight: 8 },
        tooltip: { trigger: 'axis', ...tooltipStyle, valueFormatter: (x) => fmtRate(x) + '/s' },
        xAxis: { type: 'category', boundaryGap: false, data: v.times.map((t) => timeLabel(t, v.res)), ...axisStyle,
          splitLine: { show: false }, axisLabel: { ...axisStyle.axisLabel, hideOverlap: true } },
        yAxis: { type: 'value', ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: fmtAxis } },
    };
  }

  // The provider publishes every poll's fetch time as the latency series feed.fetch (and the 304s and failures
  // alone as feed.fetch.304 / feed.fetch.error): a series' sample count per second is a rate.
  const FEED_LINES = [['feed.fetch', 'polls', '#5aa9ff'], ['feed.fetch.304', '304 not modified', '#22c55e'],
    ['feed.fetch.error', 'errors', '#ef4444']];
  const sampleCount = (row, series) => Object.values(row.h[series] || {}).reduce((a, b) => a + b, 0);

  function renderFeeds(v) {
    const rates = FEED_LINES.map(([s]) => v.rows.map((r) => sampleCount(r, s) / v.res));
    state.feedPoints = rates[0].filter((x) => x > 0).length;
    feedsChart.setOption({
      animation: false,
      grid: { left: 44, right: 12, top: 34, bottom: 28 },
      ...rateFrame(v),
      series: FEED_LINES.map(([, name, color], k) => ({ name, type: 'line', showSymbol: false, sampling: 'lttb', color,
        lineStyle: { width: k === 0 ? 2 : 1.5 }, areaStyle: k === 0 ? { opacity: 0.12 } : undefined, data: rates[k] })),
    });
    state.freshCells = drawHeat(freshChart, v, 'feed.freshness', $('fresh-hint'));
  }

  /** The feed tiles: the last 10 complete seconds. */
  function renderFeedTiles() {
    const rows = recent(10);
    const [polls, notModified, errors] = FEED_LINES.map(([s]) => rows.reduce((a, r) => a + sampleCount(r, s), 0));
    const set = (id, text, cls) => { const el = $(id); el.textContent = text; el.className = 'value' + (cls ? ' ' + cls : ''); };
    set('t-feed-polls', fmtRate(polls / rows.length));
    set('t-feed-304', polls ? Math.round(100 * notModified / polls) + '%' : '–');
    set('t-feed-errors', fmtRate(errors / rows.length), errors ? 'bad' : '');
    const fresh = bucketSums(state.window === '5m' ? [...state.sec.values()] : (state.win ? state.win.rows : []), 'feed.freshness');
    const p50 = quantileMs(fresh, 0.5), p99 = quantileMs(fresh, 0.99);
    set('t-feed-fresh', p50 == null ? '–' : `${fmtDur(p50)} / ${fmtDur(p99)}`);
  }

  function queueTotals(row, queue) {
    if (queue) return row.q[queue] || zeroQ();
    const t = zeroQ();
    for (const c of Object.values(row.q)) for (const k of Object.keys(t)) t[k] += c[k] || 0;
    return t;
  }

  function renderThroughput(v) {
    const sel = $('tp-queue');
    syncSelect(sel, [...state.knownQueues].sort(), '');
    const q = sel.value;
    const totals = v.rows.map((r) => queueTotals(r, q));
    state.tpPoints = totals.filter((t) => t.in || t.processed || t.failed || t.redelivered || t.deadLettered).length;
    state.lastTime = v.times[v.times.length - 1] || 0;
    $('tp-hint').textContent = v.res > 1 ? `messages per second, averaged per ${v.res >= 3600 ? 'hour' : 'minute'}` : 'messages per second';
    tpChart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      ...rateFrame(v),
      series: LINES.map(([k, name, color]) => ({
        name, type: 'line', showSymbol: false, smooth: false, sampling: 'lttb', color,
        lineStyle: { width: k === 'processed' ? 2 : 1.5 },
        areaStyle: k === 'processed' ? { opacity: 0.12 } : undefined,
        data: totals.map((t) => t[k] / v.res),
      })),
    });
  }

  function renderItems(v) {
    itemsChart.setOption({
      animation: false,
      grid: { left: 44, right: 12, top: 34, bottom: 28 },
      ...rateFrame(v),
      series: ITEM_LINES.map(([k, name, color]) => ({
        name, type: 'line', showSymbol: false, sampling: 'lttb', color, lineStyle: { width: 1.5 },
        areaStyle: { opacity: 0.08 }, data: v.rows.map((r) => (r.items[k] || 0) / v.res),
      })),
    });
  }

  function deadLetterCounts() {
    const dead = { ...state.mesh.deadLetters };
    for (const q of state.mesh.queues) dead[q.queue] = Math.max(dead[q.queue] || 0, q.deadLetters || 0);
    return dead;
  }

  function renderDead() {
    const entries = Object.entries(deadLetterCounts()).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    deadChart.setOption({
      animation: false,
      grid: { left: 110, right: 40, top: 8, bottom: 20 },
      tooltip: { ...tooltipStyle, trigger: 'item' },
      graphic: entries.length ? [] : [{ type: 'text', left: 'center', top: 'middle',
        style: { text: 'no dead letters', fill: '#22c55e', fontSize: 14 } }],
      xAxis: { type: 'value', minInterval: 1, ...axisStyle, show: entries.length > 0 },
      yAxis: { type: 'category', inverse: true, data: entries.map((e) => e[0]), ...axisStyle, show: entries.length > 0 },
      series: [{ type: 'bar', data: entries.map((e) => e[1]), color: '#ef4444', barMaxWidth: 16,
        label: { show: true, position: 'right', color: '#d8dee9' } }],
    }, { replaceMerge: ['graphic'] });
  }

  function renderLatency(v) {
    const sel = $('lat-queue');
    const queues = [...state.knownSeries].filter((s) => s.startsWith('wait:')).map((s) => s.slice(5)).sort();
    syncSelect(sel, queues);
    const q = sel.value;
    const line = (name, series, p, color, dashed) => ({
      name, type: 'line', showSymbol: true, symbolSize: 3, connectNulls: true, color,
      lineStyle: { width: 1.5, type: dashed ? 'dashed' : 'solid' },
      data: v.rows.map((r) => quantileMs(bucketSums([r], series), p)),
    });
    latChart.setOption({
      animation: false,
      grid: { left: 60, right: 20, top: 30, bottom: 28 },
      legend: { top: 0, textStyle: { color: '#8593a6' } },
      tooltip: { trigger: 'axis', ...tooltipStyle, valueFormatter: (x) => (x == null ? '–' : '≤' + fmtDur(x)) },
      xAxis: { type: 'category', data: v.times.map((t) => timeLabel(t, v.res)), ...axisStyle },
      yAxis: { type: 'log', logBase: 10, ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: (x) => fmtDur(x) } },
      series: q ? [line('wait p50', 'wait:' + q, 0.5, '#5aa9ff'), line('wait p99', 'wait:' + q, 0.99, '#5aa9ff', true),
        line('handler p50', 'handler:' + q, 0.5, '#22c55e'), line('handler p99', 'handler:' + q, 0.99, '#22c55e', true)] : [],
    }, { replaceMerge: ['series'] });
  }

  function renderQueues() {
    const rows = recent(5);
    const win = view().rows;
    const names = [...new Set([...state.mesh.queues.map((q) => q.queue), ...state.knownQueues])].sort();
    const gauges = Object.fromEntries(state.mesh.queues.map((q) => [q.queue, q]));
    const dead = deadLetterCounts();
    if (!names.length) {
      $('queues-body').innerHTML = '<tr class="empty"><td colspan="14">no queues yet</td></tr>';
      return;
    }
    $('queues-body').innerHTML = names.map((name) => {
      const g = gauges[name] || {};
      const r = zeroQ();
      for (const row of rows) { const c = row.q[name]; if (c) for (const k of Object.keys(r)) r[k] += c[k] || 0; }
      const age = g.oldestAgeMs;
      const ageClass = age > 60000 ? 'bad' : age > 10000 ? 'warn' : '';
      const lat = (kind) => {
        const c = bucketSums(win, kind + ':' + name);
        const p50 = quantile(c, 0.5);
        return p50 ? `${esc(p50)} / ${esc(quantile(c, 0.99))}` : '<span class="dim">–</span>';
      };
      const st = g.paused ? 'paused' : 'running';
      return `<tr data-testid="queue-row" data-queue="${esc(name)}" data-paused="${g.paused ? 'true' : 'false'}">
        <td class="mono">${esc(name)}</td>
        <td>${g.queue ? `<span class="pill ${st}" data-testid="queue-state">${st}</span>` : ''}</td>
        <td class="num">${g.length == null ? '–' : fmtInt(g.length)}</td>
        <td class="num">${g.pending == null ? '–' : fmtInt(g.pending)}</td>
        <td class="num ${ageClass}">${age ? fmtDur(age) : '–'}</td>
        <td class="num ${g.consumers === 0 ? 'bad' : ''}">${g.consumers == null ? '–' : g.consumers}</td>
        <td class="num">${fmtRate(r.in / rows.length)}</td>
        <td class="num">${fmtRate(r.processed / rows.length)}</td>
        <td class="num ${r.failed ? 'bad' : 'dim'}">${fmtRate(r.failed / rows.length)}</td>
        <td class="num ${r.redelivered ? 'warn' : 'dim'}">${fmtRate(r.redelivered / rows.length)}</td>
        <td class="num ${dead[name] ? 'bad' : 'dim'}">${fmtInt(dead[name] || 0)}</td>
        <td class="num" data-testid="queue-wait">${lat('wait')}</td>
        <td class="num" data-testid="queue-handler">${lat('handler')}</td>
        <td class="ops-only actions">${g.queue ? ops().queueActions(g) : ''}</td></tr>`;
    }).join('');
    ops().syncQueues(state.mesh.queues.filter((q) => !q.topic).map((q) => q.queue).sort());
  }

  function renderInstances() {
    const now = state.mesh.generatedAt || Date.now();
    const list = [...state.mesh.instances].sort((a, b) => (a.role + a.id).localeCompare(b.role + b.id));
    const live = list.filter((i) => i.status === 'live').length;
    const late = list.filter((i) => i.status === 'late').length;
    const gone = list.filter((i) => i.status === 'gone').length;
    $('inst-hint').textContent = `${list.length} registered · ${live} live` + (late ? ` · ${late} late` : '') + (gone ? ` · ${gone} gone` : '');
    if (!list.length) {
      $('instances-body').innerHTML = '<tr class="empty"><td colspan="10">no instances yet</td></tr>';
      return;
    }
    $('instances-body').innerHTML = list.map((i) => `<tr data-testid="instance-row" data-instance-id="${esc(i.id)}" data-status="${esc(i.status)}">
        <td><span class="role">${esc(i.role)}</span></td>
        <td class="mono">${esc(i.id)}</td>
        <td>${esc(i.host)}</td>
        <td class="num mono">${esc(i.pid)}</td>
        <td class="mono">${(i.ports || []).map(esc).join(', ') || '<span class="dim">–</span>'}</td>
        <td class="num">${i.startedAt ? fmtDur(now - i.startedAt) : '–'}</td>
        <td class="num ${i.status === 'gone' ? 'bad' : i.status === 'late' ? 'warn' : ''}">${i.lastHeartbeat ? fmtDur(Math.max(0, now - i.lastHeartbeat)) + ' ago' : '–'}</td>
        <td><span class="pill ${esc(i.status)}">${esc(i.status)}</span></td>
        <td class="num">${fmtRate(i.msgsPerSec)}</td>
        <td class="ops-only actions">${ops().instanceActions(i)}</td></tr>`).join('');
  }

  function renderTiles() {
    const rows = recent(5);
    const t = zeroQ();
    for (const r of rows) { const s = queueTotals(r, ''); for (const k of Object.keys(t)) t[k] += s[k]; }
    const set = (id, text, cls) => { const el = $(id); el.textContent = text; el.className = 'value' + (cls ? ' ' + cls : ''); };
    set('t-processed', fmtRate(t.processed / rows.length));
    set('t-in', fmtRate(t.in / rows.length));
    set('t-failed', fmtRate(t.failed / rows.length), t.failed ? 'bad' : '');
    set('t-redelivered', fmtRate(t.redelivered / rows.length), t.redelivered ? 'warn' : '');
    const qs = state.mesh.queues;
    set('t-waiting', fmtInt(qs.reduce((a, q) => a + (q.length || 0), 0)));
    set('t-pending', fmtInt(qs.reduce((a, q) => a + (q.pending || 0), 0)));
    const dead = Object.values(deadLetterCounts()).reduce((a, b) => a + b, 0);
    set('t-dead', fmtInt(dead), dead ? 'bad' : 'ok');
    const inst = state.mesh.instances;
    const live = inst.filter((i) => i.status === 'live').length;
    set('t-instances', `${live} / ${inst.length}`, inst.length && live < inst.length ? 'warn' : inst.length ? 'ok' : '');
    set('t-p99', quantile(bucketSums(recent(10), 'http'), 0.99) || '–');
    const banner = $('banner');
    banner.hidden = !state.mesh.meshError;
    banner.textContent = state.mesh.meshError || '';
  }

  /** charts=false: a stream event while a longer window is shown; its charts change only when re-fetched. */
  function render(charts = true) {
    if (charts) {
      const v = view();
      renderHeatmap(v);
      renderThroughput(v);
      renderItems(v);
      renderLatency(v);
      renderFeeds(v);
    }
    renderDead();
    renderFeedTiles();
    renderQueues();
    renderInstances();
    renderTiles();
    $('updated').textContent = 'updated ' + timeLabel(state.mesh.generatedAt || Date.now(), 1);
  }

  // ---------- fetching and streaming ----------

  async function fetchWindow(w) {
    const seq = ++state.fetchSeq;
    try {
      const res = await fetch(`/api/stats?window=${encodeURIComponent(w)}`, { cache: 'no-store' });
      const p = await res.json();
      if (!res.ok) throw new Error(p.message || res.statusText);
      if (seq !== state.fetchSeq) return; // another window was chosen meanwhile
      const d = decode(p);
      takeMesh(p);
      if (w === '5m') { mergeSeconds(d); state.win = null; } else { state.win = d; }
      render();
    } catch (e) {
      $('banner').hidden = false;
      $('banner').textContent = `could not load ${w} window: ${e.message}`;
    }
  }

  function selectWindow(w) {
    state.window = w;
    state.win = null;
    for (const b of document.querySelectorAll('#windows button')) b.classList.toggle('active', b.dataset.window === w);
    if (location.hash !== '#window=' + w) history.replaceState(null, '', '#window=' + w);
    clearInterval(state.refetchTimer);
    if (REFETCH_MS[w]) state.refetchTimer = setInterval(() => fetchWindow(w), REFETCH_MS[w]);
    fetchWindow(w);
  }

  function setConn(cls, text) {
    $('conn-dot').className = 'dot ' + cls;
    $('conn-text').textContent = text;
  }

  function connect() {
    const es = new EventSource('/api/stream');
    es.onopen = () => setConn('live', 'live');
    es.onerror = () => setConn('down', 'reconnecting…');
    es.onmessage = (m) => {
      const p = JSON.parse(m.data);
      state.events++;
      state.lastEventAt = Date.now();
      mergeSeconds(decode(p));
      takeMesh(p);
      setConn('live', 'live');
      render(state.window === '5m' || !state.win);
    };
  }

  setInterval(() => {
    if (state.lastEventAt && Date.now() - state.lastEventAt > 4000) {
      setConn('stale', `no update for ${Math.round((Date.now() - state.lastEventAt) / 1000)} s`);
    }
  }, 1000);

  for (const b of document.querySelectorAll('#windows button')) b.addEventListener('click', () => selectWindow(b.dataset.window));
  $('heat-series').addEventListener('change', () => render());
  $('tp-queue').addEventListener('change', () => render());
  $('lat-queue').addEventListener('change', () => render());

  // For browser tests and curious operators.
  window.gorgonStats = {
    heatmapCellCount: () => state.heatCells,
    freshnessCellCount: () => state.freshCells,
    feedPollPoints: () => state.feedPoints,
    throughputPoints: () => state.tpPoints,
    lastTime: () => state.lastTime,
    events: () => state.events,
    window: () => state.window,
    heatmapSeries: () => [...state.knownSeries],
    instanceIds: () => [...document.querySelectorAll('[data-testid="instance-row"]')].map((r) => r.dataset.instanceId),
    selectWindow,
  };

  const fromHash = /window=(5m|1h|24h|30d)/.exec(location.hash);
  selectWindow(fromHash ? fromHash[1] : '5m');
  connect();
})();
