// The dynaview web console: polls /status once a second and draws the program's graph, each
// output's rates, queue and errors, each input's figures, and banners for a stalled or failing
// pipeline; the charts start from the last minutes the server kept (/status/history). Plain
// browser JavaScript, served as it is (no build step, nothing loaded from elsewhere).
'use strict';

(() => {
  const REFRESH_MS = 1000;
  /** The charts show this much history (the server keeps as much). */
  const HISTORY_MS = 5 * 60 * 1000;
  /** An output or input that failed within this long is shown as failing. */
  const FAILING_MS = 60 * 1000;
  /** Steps waiting this long on full outputs is shown as a stall (shorter waits are ordinary backpressure). */
  const STALL_BANNER_SECONDS = 1;
  /**
   * Rates are averaged over this many refreshes: steps and buffered writes arrive in bursts that a
   * one-second difference would show as a saw-tooth.
   */
  const RATE_WINDOW = 3;
  const SVG = 'http://www.w3.org/2000/svg';

  /**
   * Figures of each status received, and of the server's samples from before the page was opened:
   * `{ t, status }` timed by the server's clock, oldest first, for rates, charts and banners.
   */
  const history = [];
  let updates = 0;

  // ---- DOM helpers -------------------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    setAttributes(node, attributes);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttributes(node, attributes);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function setAttributes(node, attributes) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
  }

  // ---- numbers -----------------------------------------------------------------------------

  function count(n) {
    return Math.round(n).toLocaleString('en-US');
  }

  function rate(n) {
    return n >= 100 ? count(n) : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
  }

  function bytes(n) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${value.toLocaleString('en-US', { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
  }

  function milliseconds(ms) {
    return ms >= 100 ? `${count(ms)} ms` : `${ms.toLocaleString('en-US', { maximumFractionDigits: 2 })} ms`;
  }

  function duration(seconds) {
    const [large, largeUnit, small, smallUnit] = seconds < 3600
      ? [Math.floor(seconds / 60), 'min', Math.floor(seconds % 60), 's']
      : [Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'min'];
    if (large === 0) return `${small} ${smallUnit}`;
    return small === 0 ? `${large} ${largeUnit}` : `${large} ${largeUnit} ${small} ${smallUnit}`;
  }

  function dollars(n) {
    return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: n < 1 ? 4 : 2 })}`;
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString('en-GB');
  }

  // ---- history -----------------------------------------------------------------------------

  /** Per second, how fast `figure(status)` grew up to the status at `index`, over RATE_WINDOW refreshes at most; 0 at the first. */
  function rateAt(index, figure) {
    if (index < 1) return 0;
    return rateBetween(history[Math.max(0, index - RATE_WINDOW)], history[index], figure);
  }

  function currentRate(figure) {
    return rateAt(history.length - 1, figure);
  }

  function rateBetween(before, after, figure) {
    const seconds = (after.t - before.t) / 1000;
    const from = figure(before.status);
    const to = figure(after.status);
    if (seconds <= 0 || from === undefined || to === undefined) return 0;
    return Math.max(0, (to - from) / seconds);
  }

  /** How much `figure(status)` grew over the statuses of the last `ms`. */
  function growthWithin(ms, figure) {
    const latest = history[history.length - 1];
    if (latest === undefined) return 0;
    const first = history.find((sample) => latest.t - sample.t <= ms);
    if (first === undefined || first === latest) return 0;
    return (figure(latest.status) || 0) - (figure(first.status) || 0);
  }

  // ---- rendering ---------------------------------------------------------------------------

  function remember(status) {
    history.push({ t: Date.parse(status.time), status });
    while (history.length > 2 && history[history.length - 1].t - history[0].t > HISTORY_MS) history.shift();
  }

  /** Draws a status: the figures of a running pipeline, or only the state of one starting or stopped. */
  function render(status) {
    const running = status.steps !== undefined;
    if (running) remember(status);
    const problems = banners(status);
    renderHeader(status, problems);
    if (running) {
      renderTiles(status);
      renderGraph(status);
      renderOutputs(status);
      renderInputs(status);
    }
    updates += 1;
    document.body.dataset.updates = String(updates);
  }

  function renderHeader(status, problems) {
    const state = document.getElementById('state');
    const name = status.state !== undefined ? status.state
      : problems.some((p) => p.kind === 'failing') ? 'failing'
        : problems.some((p) => p.kind === 'stalled') ? 'stalled' : 'running';
    state.textContent = name;
    state.className = `pill ${name}`;
    if (status.pipeline !== undefined) {
      document.getElementById('pipeline-name').textContent = status.pipeline;
      document.title = `${status.pipeline} · dynaview`;
    }
    document.getElementById('uptime').textContent = status.uptime_seconds === undefined ? '' : `up ${duration(status.uptime_seconds)}`;
    document.getElementById('banners').replaceChildren(...problems.map((p) => el('div', { class: `banner ${p.kind}`, 'data-banner': p.kind }, p.text)));
  }

  /** What is wrong now, most serious first. */
  function banners(status) {
    const problems = [];
    if (status.state === 'stopped') problems.push({ kind: 'failing', text: 'The pipeline has stopped: these are its last figures.' });
    for (const [name, output] of Object.entries(status.outputs || {})) {
      if (output.fatal) {
        problems.push({ kind: 'failing', text: `Output ${name} has failed and writes nothing more: ${output.fatal}` });
        continue;
      }
      const failed = growthWithin(FAILING_MS, (s) => s.outputs && s.outputs[name] && s.outputs[name].failed_items);
      if (failed > 0) problems.push({ kind: 'failing', text: `Output ${name} is failing: ${count(failed)} record(s) could not be written in the last minute (see its last errors).` });
    }
    for (const [name, input] of Object.entries(status.inputs || {})) {
      const errors = growthWithin(FAILING_MS, (s) => s.inputs && s.inputs[name] && s.inputs[name].errors);
      if (errors > 0) problems.push({ kind: 'failing', text: `Input ${name} is skipping records it cannot read: ${count(errors)} in the last minute (see Inputs).` });
    }
    if (status.stalled && status.stalled.seconds >= STALL_BANNER_SECONDS) {
      problems.push({
        kind: 'stalled',
        text: `Stalled on backpressure for ${duration(status.stalled.seconds)}: steps wait until the queue of ${status.stalled.outputs.join(', ')} drains below max_queued_records.`,
      });
    }
    return problems;
  }

  function tile(label, value, key) {
    return el('div', { class: 'tile', 'data-tile': key }, el('div', { class: 'label' }, label), el('div', { class: 'value', 'data-value': key }, value));
  }

  function renderTiles(status) {
    const latest = history[history.length - 1];
    const before = history[history.length - 2];
    const steps = before === undefined ? 0 : latest.status.steps - before.status.steps;
    const latency = steps > 0 ? (latest.status.step_ms.total - before.status.step_ms.total) / steps : status.step_ms.last;
    const inputRows = (s) => Object.values(s.inputs || {}).reduce((n, input) => n + input.rows, 0);
    document.getElementById('pipeline').replaceChildren(
      tile('steps', count(status.steps), 'steps'),
      tile('steps/s', rate(currentRate((s) => s.steps)), 'steps-per-second'),
      tile('step latency', milliseconds(latency), 'step-latency'),
      tile('input rows/s', rate(currentRate(inputRows)), 'input-rate'),
      tile('memory (RSS)', bytes(status.memory.rss_bytes), 'memory'),
      tile('JS heap used', bytes(status.memory.heap_used_bytes), 'heap'),
      tile('stalled in total', duration(status.stalled_seconds), 'stalled'),
      tile('rows dead-lettered after runtime errors', count(status.dead_lettered_rows ?? 0), 'dead-lettered-rows'),
    );
  }

  // ---- graph -------------------------------------------------------------------------------

  const NODE_WIDTH = 180;
  const NODE_HEIGHT = 58;
  const COLUMN_GAP = 50;
  const ROW_GAP = 14;
  const UNITS = { input: 'rows', table: 'rows', view: 'changes', output: 'written' };

  /** Columns by longest path from the sources, outputs in the last one; in a column, nodes follow their sources' order. */
  function layout(graph) {
    const incoming = new Map(graph.nodes.map((node) => [node.id, []]));
    for (const [from, to] of graph.edges) if (incoming.has(to)) incoming.get(to).push(from);
    const column = new Map();
    const columnOf = (id, seen) => {
      if (column.has(id)) return column.get(id);
      if (seen.has(id)) return 0;
      seen.add(id);
      const sources = incoming.get(id) || [];
      const value = sources.length === 0 ? 0 : 1 + Math.max(...sources.map((source) => columnOf(source, seen)));
      column.set(id, value);
      return value;
    };
    for (const node of graph.nodes) columnOf(node.id, new Set());
    const last = Math.max(0, ...graph.nodes.map((node) => column.get(node.id)));
    for (const node of graph.nodes) if (node.kind === 'output') column.set(node.id, last);
    const columns = Array.from({ length: last + 1 }, () => []);
    for (const node of graph.nodes) columns[column.get(node.id)].push(node);
    const row = new Map();
    for (const nodes of columns) {
      const order = (node) => {
        const sources = incoming.get(node.id).filter((source) => row.has(source));
        return sources.length === 0 ? Infinity : sources.reduce((n, source) => n + row.get(source), 0) / sources.length;
      };
      nodes.sort((a, b) => order(a) - order(b));
      nodes.forEach((node, i) => row.set(node.id, i));
    }
    const position = new Map();
    for (const node of graph.nodes) {
      position.set(node.id, { x: 10 + column.get(node.id) * (NODE_WIDTH + COLUMN_GAP), y: 10 + row.get(node.id) * (NODE_HEIGHT + ROW_GAP) });
    }
    const rows = Math.max(1, ...columns.map((nodes) => nodes.length));
    return { position, width: 20 + columns.length * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP, height: 20 + rows * (NODE_HEIGHT + ROW_GAP) - ROW_GAP };
  }

  function shorten(text, length) {
    return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
  }

  function renderGraph(status) {
    const { graph } = status;
    const { position, width, height } = layout(graph);
    const picture = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'the program as a graph' });
    for (const [from, to] of graph.edges) {
      const a = position.get(from);
      const b = position.get(to);
      if (a === undefined || b === undefined) continue;
      const x1 = a.x + NODE_WIDTH;
      const y1 = a.y + NODE_HEIGHT / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_HEIGHT / 2;
      const bend = (x2 - x1) / 2;
      picture.append(svg('path', { class: 'edge', 'data-edge': `${from}->${to}`, d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` }));
    }
    for (const node of graph.nodes) {
      const { x, y } = position.get(node.id);
      const perSecond = currentRate((s) => nodeTotal(s, node.id));
      picture.append(svg('g', { class: `node ${node.kind}`, 'data-node': node.id, 'data-total': node.total, transform: `translate(${x},${y})` },
        svg('title', {}, `${node.kind} ${node.name}: ${node.detail}`),
        svg('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }),
        svg('text', { class: 'name', x: 10, y: 18 }, shorten(node.name, 22)),
        svg('text', { class: 'detail', x: 10, y: 33 }, shorten(`${node.kind} · ${node.detail}`, 30)),
        svg('text', { class: 'figures', x: 10, y: 48, 'data-figures': node.id }, `${count(node.total)} ${UNITS[node.kind]} · ${rate(perSecond)}/s`)));
    }
    document.getElementById('graph').replaceChildren(picture);
  }

  function nodeTotal(status, id) {
    const node = status.graph && status.graph.nodes.find((candidate) => candidate.id === id);
    return node === undefined ? undefined : node.total;
  }

  // ---- outputs -----------------------------------------------------------------------------

  const CHART_WIDTH = 600;
  const CHART_HEIGHT = 160;

  /** Per status after the first: when, items written per second, WCU consumed per second (null when not reported). */
  function outputSeries(name) {
    const output = (s) => s.outputs && s.outputs[name];
    const wcuTotal = (s) => (output(s) && output(s).capacity ? output(s).capacity.consumed_wcu_total : undefined);
    const points = [];
    for (let i = 1; i < history.length; i++) {
      const reported = wcuTotal(history[i].status) !== undefined && wcuTotal(history[Math.max(0, i - RATE_WINDOW)].status) !== undefined;
      points.push({ t: history[i].t, written: rateAt(i, (s) => output(s) && output(s).written), wcu: reported ? rateAt(i, wcuTotal) : null });
    }
    return points;
  }

  function chart(name) {
    const points = outputSeries(name);
    const now = history[history.length - 1].t;
    // The time axis grows with the history gathered, from one minute up to HISTORY_MS.
    const span = Math.min(HISTORY_MS, Math.max(60 * 1000, now - history[0].t));
    const top = niceCeiling(Math.max(1, ...points.map((p) => Math.max(p.written, p.wcu || 0))));
    const left = 44;
    const bottom = CHART_HEIGHT - 18;
    const x = (t) => left + ((t - (now - span)) / span) * (CHART_WIDTH - left - 8);
    const y = (value) => bottom - (value / top) * (bottom - 8);
    const line = (values, kind) => svg('polyline', { class: kind, 'data-series': kind, points: values.map((p) => `${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ') });
    const picture = svg('svg', { viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `${name}: written items and consumed WCU per second` });
    for (const fraction of [0, 0.5, 1]) {
      picture.append(svg('line', { class: 'grid', x1: left, x2: CHART_WIDTH - 8, y1: y(top * fraction), y2: y(top * fraction) }));
      picture.append(svg('text', { class: 'axis', x: left - 4, y: y(top * fraction) + 3, 'text-anchor': 'end' }, rate(top * fraction)));
    }
    picture.append(svg('text', { class: 'axis', x: left, y: CHART_HEIGHT - 4 }, `−${duration(span / 1000)}`));
    picture.append(svg('text', { class: 'axis', x: CHART_WIDTH - 8, y: CHART_HEIGHT - 4, 'text-anchor': 'end' }, 'now'));
    picture.append(line(points.map((p) => ({ t: p.t, value: p.written })), 'written'));
    const wcu = points.filter((p) => p.wcu !== null);
    if (wcu.length > 0) picture.append(line(wcu.map((p) => ({ t: p.t, value: p.wcu })), 'wcu'));
    const last = points[points.length - 1];
    return el('div', { class: 'chart', 'data-chart': name, 'data-points': points.length },
      picture,
      el('div', { class: 'legend' },
        el('span', { class: 'written' }, '— items written/s: ', el('b', { 'data-rate': 'written' }, rate(last ? last.written : 0))),
        el('span', { class: 'wcu' }, '— consumed WCU/s: ', el('b', { 'data-rate': 'wcu' }, last && last.wcu !== null ? rate(last.wcu) : 'not reported'))));
  }

  /** 1, 2 or 5 times a power of ten, at least `value`: round numbers on the axis. */
  function niceCeiling(value) {
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }

  function meter(value, limit) {
    const fill = limit ? Math.min(1, value / limit) : 0;
    const bar = el('span');
    // Set through the DOM, not a style attribute: the page's content security policy allows no inline styles.
    bar.style.width = `${(fill * 100).toFixed(1)}%`;
    return el('span', { class: 'meter' }, bar);
  }

  function figureList(rows) {
    const list = el('dl', { class: 'figures' });
    for (const [label, key, value, bad] of rows) {
      list.append(el('dt', {}, label), el('dd', { 'data-figure': key, class: bad ? 'bad' : null }, ...[].concat(value)));
    }
    return list;
  }

  function outputFigures(output) {
    const m = output.metrics || {};
    const rows = [
      ['written', 'written', count(output.written)],
      ['queue depth', 'queued', [meter(output.queued_records, output.max_queued_records), `${count(output.queued_records)} / ${count(output.max_queued_records)}`]],
      ['output buffer', 'buffered', output.buffer_limit === null ? 'off'
        : [meter(output.buffered_records, output.buffer_limit), `${count(output.buffered_records)} / ${count(output.buffer_limit)}`]],
    ];
    if (m.concurrency_limit !== undefined) rows.push(['in flight / limit', 'concurrency', `${count(m.requests_in_flight)} / ${count(m.concurrency_limit)}`]);
    if (m.retries !== undefined) rows.push(['retries', 'retries', count(m.retries)]);
    if (m.throttled_items !== undefined) rows.push(['throttled items', 'throttled', count(m.throttled_items)]);
    rows.push(['failed records', 'failed', count(output.failed_items), output.failed_items > 0]);
    if (m.dead_letters !== undefined) rows.push(['dead-lettered', 'dead-letters', count(m.dead_letters), m.dead_letters > 0]);
    return figureList(rows);
  }

  function capacity(output) {
    const c = output.capacity;
    if (!c) return null;
    return el('div', { class: 'subsection', 'data-capacity': '' },
      el('h3', {}, 'Capacity and cost'),
      figureList([
        ['billing mode', 'billing-mode', c.billing_mode === null ? 'unknown' : c.billing_mode === 'PAY_PER_REQUEST' ? 'on demand' : 'provisioned'],
        ['consumed WCU', 'consumed-wcu', count(c.consumed_wcu_total)],
        ...(c.provisioned_wcu === null ? [] : [['provisioned WCU/s', 'provisioned-wcu', count(c.provisioned_wcu)]]),
        ['estimated cost', 'cost', dollars(c.estimated_cost_usd)],
        ['price basis', 'price-basis', c.price_basis],
      ]));
  }

  function keyTable(title, key, entries) {
    return el('table', { 'data-hot-keys': key },
      el('tr', {}, el('th', {}, title), el('th', {}, 'count')),
      ...(entries.length === 0 ? [el('tr', {}, el('td', { colspan: 2, class: 'muted' }, 'none'))]
        : entries.map((entry) => el('tr', {}, el('td', {}, entry.key), el('td', { class: 'num' }, count(entry.count))))));
  }

  function hotKeys(output) {
    const h = output.hot_keys;
    if (!h) return null;
    return el('div', { class: 'subsection', 'data-hot-keys-window': h.window_seconds },
      el('h3', {}, `Hot keys (last ${duration(h.window_seconds)})`),
      keyTable('most written keys', 'writes', h.writes),
      keyTable('most throttled keys', 'throttled', h.throttled));
  }

  function errorTable(errors) {
    if (!errors || errors.length === 0) return null;
    return el('table', { class: 'errors', 'data-errors': '' },
      el('tr', {}, el('th', {}, 'time'), el('th', {}, 'code'), el('th', {}, 'key'), el('th', {}, 'message')),
      ...errors.slice().reverse().map((error) => el('tr', {},
        el('td', {}, clock(error.time)), el('td', {}, error.code), el('td', {}, error.key === null ? '' : error.key), el('td', {}, error.message))));
  }

  function renderOutputs(status) {
    const cards = Object.entries(status.outputs).map(([name, output]) => el('div', { class: 'output', 'data-output': name },
      el('h3', {}, `${name} `, el('span', { class: 'muted' }, `view ${output.view} → ${output.target}`)),
      el('div', { class: 'output-body' },
        chart(name),
        el('div', {}, outputFigures(output), capacity(output), hotKeys(output))),
      errorTable(output.last_errors)));
    document.getElementById('outputs').replaceChildren(...cards);
  }

  // ---- inputs ------------------------------------------------------------------------------

  function renderInputs(status) {
    const header = el('tr', {}, ...['input', 'table', 'transport', 'rows', 'rows/s', 'bytes', 'position', 'errors', 'last error'].map((title) => el('th', {}, title)));
    const rows = Object.entries(status.inputs).map(([name, input]) => {
      const last = input.last_errors[input.last_errors.length - 1];
      return el('tr', { 'data-input': name },
        el('td', {}, name),
        el('td', {}, input.table),
        el('td', {}, input.transport),
        el('td', { class: 'num', 'data-figure': 'rows' }, count(input.rows)),
        el('td', { class: 'num', 'data-figure': 'rate' }, rate(currentRate((s) => s.inputs && s.inputs[name] && s.inputs[name].rows))),
        el('td', { class: 'num', 'data-figure': 'bytes' }, bytes(input.bytes)),
        el('td', { 'data-figure': 'position' }, input.position === null ? '—' : input.position),
        el('td', { class: 'num', 'data-figure': 'errors' }, count(input.errors)),
        el('td', { 'data-figure': 'last-error' }, last === undefined ? '' : `${clock(last.time)} ${last.message}`));
    });
    document.getElementById('inputs').replaceChildren(header, ...rows);
  }

  // ---- polling -----------------------------------------------------------------------------

  function unreachable() {
    const state = document.getElementById('state');
    state.textContent = 'unreachable';
    state.className = 'pill stopped';
    document.getElementById('banners').replaceChildren(el('div', { class: 'banner failing', 'data-banner': 'unreachable' },
      'dynaview does not answer: the run has ended or the connection is lost. Retrying every second.'));
  }

  /** The samples the server kept before the page was opened; none while the pipeline starts. */
  async function seed() {
    try {
      const answer = await (await fetch('/status/history', { cache: 'no-store' })).json();
      for (const sample of answer.samples || []) remember(sample);
    } catch {
      // No history to start from: the charts begin with the first status, as they would anyway.
    }
  }

  async function poll() {
    try {
      const response = await fetch('/status', { cache: 'no-store' });
      render(await response.json());
    } catch {
      unreachable();
    } finally {
      setTimeout(poll, REFRESH_MS);
    }
  }

  seed().then(poll);
})();
