// Draws the results of bench/run.mjs as an SVG bar chart: the share of the table's write capacity
// each case used, then the CPU per item of the cases with capacity to spare, with dynaview's as a
// ratio to the raw signed writer's. Plain string building, fixed layout: same results, same file.
// run.mjs calls it at the end; `node bench/chart.mjs` redraws docs/bench.svg from bench/results/latest.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WIDTH = 1060;
const LABEL_WIDTH = 400;
const BAR_LEFT = LABEL_WIDTH + 10;
const BAR_WIDTH = 420;
const SCALE_MAX = 110; // % of capacity at the right end of the axis
const ROW_HEIGHT = 28;
const BAR_HEIGHT = 18;
const TOP = 64;
const COLORS = { 'dynaview': '#2f6fb0', 'batch-write-command': '#d9822b', 'raw-signed': '#7a9a3a' };
const CPU_SCALE_MAX = 30; // µs per item at the right end of the CPU axis

/** The capacity of the table in the CPU cases: more than the writer can use, so nothing is throttled. */
export const UNLIMITED_WCU = 10_000_000;

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const x = (pct) => Math.round((BAR_LEFT + (Math.min(pct, SCALE_MAX) / SCALE_MAX) * BAR_WIDTH) * 10) / 10;
const fmt = (n) => n.toLocaleString('en-US');

/** A case's name, from its fields in bench/results/latest.json. */
export function caseLabel(r) {
  const parts = [r.tool];
  if (r.tool === 'dynaview' || r.tool === 'raw-signed') parts.push(`t${r.threads} c${r.max_concurrent_requests}`);
  parts.push(r.write_mode === 'transactional' ? 'txn' : 'batch', `${fmt(r.step_rows)}-row steps`);
  if (r.pipelined_steps) parts.push('pipelined');
  if (r.capacity_wcu === UNLIMITED_WCU) parts.push('(capacity to spare)');
  else if (r.capacity_wcu !== 40_000) parts.push(`(${fmt(r.capacity_wcu)} WCU table)`);
  return parts.join(' ');
}

/** cases: the `cases` array of bench/results/latest.json. Returns SVG text. */
export function drawChart(cases, { title = 'dynaview bench: share of the table\'s write capacity used, and CPU per item' } = {}) {
  const shares = cases.filter((r) => r.capacity_wcu !== UNLIMITED_WCU).map((result) => ({ label: caseLabel(result), result }));
  const cpu = cases.filter((r) => r.capacity_wcu === UNLIMITED_WCU).map((result) => ({ label: caseLabel(result), result }));
  const cpuTop = TOP + shares.length * ROW_HEIGHT + 70;
  const height = cpuTop + cpu.length * ROW_HEIGHT + 76;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="16" y="24" font-size="16" font-weight="bold" fill="#222">${escape(title)}</text>`);
  out.push(`<text x="16" y="44" fill="#555">Simulated DynamoDB (dynaview sim, own process), 10 ms median latency, items under 1 KB; bar = WCU/s consumed / table capacity (median of runs)</text>`);
  const axisBottom = TOP + shares.length * ROW_HEIGHT;
  for (const pct of [0, 25, 50, 75, 100]) {
    out.push(`<line x1="${x(pct)}" y1="${TOP - 6}" x2="${x(pct)}" y2="${axisBottom}" stroke="${pct === 100 ? '#222' : '#ddd'}" stroke-width="1"${pct === 100 ? ' stroke-dasharray="4 3"' : ''}/>`);
    out.push(`<text x="${x(pct)}" y="${axisBottom + 16}" text-anchor="middle" fill="#555">${pct}%</text>`);
  }
  shares.forEach(({ label, result }, i) => {
    const y = TOP + i * ROW_HEIGHT;
    out.push(...bar(label, result, y, x(result.pct_capacity), `${result.pct_capacity.toFixed(1)}% · ${fmt(result.wcu_per_s)} of ${fmt(result.capacity_wcu)} WCU/s`));
  });
  out.push(`<text x="${x(100)}" y="${TOP - 10}" text-anchor="middle" fill="#222">capacity</text>`);

  const cpuX = (us) => Math.round((BAR_LEFT + (Math.min(us, CPU_SCALE_MAX) / CPU_SCALE_MAX) * BAR_WIDTH) * 10) / 10;
  const cpuBottom = cpuTop + cpu.length * ROW_HEIGHT;
  out.push(`<text x="16" y="${cpuTop - 22}" fill="#555">With capacity to spare: CPU microseconds per item written (one core = 1,000,000 µs/s); ratio to raw-signed, the wire's floor, with the same write mode and threads</text>`);
  for (const us of [0, 5, 10, 15, 20, 25, 30]) {
    out.push(`<line x1="${cpuX(us)}" y1="${cpuTop - 6}" x2="${cpuX(us)}" y2="${cpuBottom}" stroke="#ddd" stroke-width="1"/>`);
    out.push(`<text x="${cpuX(us)}" y="${cpuBottom + 16}" text-anchor="middle" fill="#555">${us} µs</text>`);
  }
  cpu.forEach(({ label, result }, i) => {
    const ratio = result.cpu_ratio_to_raw_signed === undefined ? '' : ` · ${result.cpu_ratio_to_raw_signed.toFixed(2)}x raw-signed`;
    out.push(...bar(label, result, cpuTop + i * ROW_HEIGHT, cpuX(result.cpu_us_per_item), `${result.cpu_us_per_item.toFixed(1)} µs/item${ratio}`));
  });
  const legendY = cpuBottom + 44;
  Object.entries(COLORS).forEach(([tool, color], i) => {
    const lx = 16 + i * 200;
    out.push(`<rect x="${lx}" y="${legendY - 10}" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${lx + 18}" y="${legendY}" fill="#222">${escape(tool)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One labelled bar from the left edge to `barEnd`, with `text` after it. */
function bar(label, result, y, barEnd, text) {
  return [
    `<text x="${LABEL_WIDTH}" y="${y + BAR_HEIGHT - 4}" text-anchor="end" fill="#222">${escape(label)}</text>`,
    `<rect x="${BAR_LEFT}" y="${y}" width="${(barEnd - BAR_LEFT).toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[result.tool] ?? '#888'}"/>`,
    `<text x="${(barEnd + 6).toFixed(1)}" y="${y + BAR_HEIGHT - 4}" fill="#222">${escape(text)}</text>`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { cases } = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8'));
  writeFileSync(new URL('../docs/bench.svg', import.meta.url), drawChart(cases));
}
