/**
 * A simple chart of a query result, drawn with uPlot (from its WebJar): the first column is the x
 * axis (a time axis for TIMESTAMP/DATE columns, categories otherwise) and every other numeric
 * column is a series: lines over time, bars over categories (lines with points for several series). Labels are drawn on a canvas, never
 * parsed as markup.
 */
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { h } from './dom.js';

const UPLOT_CSS = '/webjars/uplot/1.6.30/dist/uPlot.min.css';
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL.*)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP.*)$/i;
const INTEGER_STEPS = Array.from({ length: 16 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();
const COLORS = ['#2f7ed8', '#e4572e', '#29a36a', '#b04fd1', '#d9a400', '#17a2b8'];

/**
 * The chart of result, or a note saying why there is none. Returns {node, dispose()}: node goes
 * into the page; dispose frees the chart.
 */
export function chartOf(result, width) {
  const columns = result.columns;
  const series = columns.map((c, i) => i).filter((i) => i > 0 && NUMERIC.test(columns[i].type));
  if (columns.length < 2 || series.length === 0 || result.rows.length === 0) {
    return note('A chart needs rows with a first column for the x axis and at least one numeric column, '
      + 'e.g. SELECT lane, count(*) FROM logs GROUP BY 1 or SELECT time_bucket(INTERVAL 1 minute, ts) AS t, count(*) FROM logs GROUP BY 1 ORDER BY 1.');
  }
  loadStyles();
  const time = TEMPORAL.test(columns[0].type);
  // one series over categories reads best as bars; several share the categories as lines with points
  const bars = !time && series.length === 1;
  const rows = time ? [...result.rows].sort((a, b) => Date.parse(a[0]) - Date.parse(b[0])) : result.rows;
  const labels = rows.map((r) => (r[0] == null ? 'null' : String(r[0])));
  const xs = time ? rows.map((r) => Date.parse(r[0]) / 1000) : rows.map((r, i) => i);
  const data = [xs, ...series.map((i) => rows.map((r) => (r[i] == null ? null : Number(r[i]))))];

  const style = getComputedStyle(document.documentElement);
  const fg = style.getPropertyValue('--fg').trim() || '#222';
  const grid = style.getPropertyValue('--grid').trim() || '#ddd';
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  // counts get whole-number ticks, not 0.5 events
  const integers = data.slice(1).every((values) => values.every((v) => v == null || Number.isInteger(v)));
  const node = h('div', { class: 'chart', role: 'img', 'aria-label': `Chart of ${series.map((i) => columns[i].name).join(', ')} by ${columns[0].name}` });
  const opts = {
    width: Math.max(320, width),
    height: 320,
    scales: {
      x: time ? { time: true } : { time: false, range: [-0.5, rows.length - 0.5] },
      // counts read wrong without their zero: the y axis always includes it
      y: { range: (u, min, max) => uPlot.rangeNum(Math.min(0, min), Math.max(0, max), 0.1, true) },
    },
    axes: [
      time ? axis : { ...axis, splits: () => categorySplits(rows.length), values: (u, splits) => splits.map((i) => shorten(labels[i])) },
      integers ? { ...axis, incrs: INTEGER_STEPS } : axis,
    ],
    series: [
      { label: columns[0].name, value: time ? undefined : (u, i) => (i == null ? '' : labels[i]) },
      ...series.map((col, k) => ({
        label: columns[col].name,
        stroke: COLORS[k % COLORS.length],
        fill: bars ? COLORS[k % COLORS.length] + '99' : undefined,
        width: bars ? 1 : 2,
        points: { show: !bars && rows.length < 60 },
        paths: bars ? uPlot.paths.bars({ size: [0.7, 80] }) : undefined,
      })),
    ],
  };
  const plot = new uPlot(opts, data, node);
  return { node, dispose: () => plot.destroy(), resize: (w) => plot.setSize({ width: Math.max(320, w), height: 320 }) };
}

function loadStyles() {
  if (!document.querySelector(`link[href="${UPLOT_CSS}"]`)) {
    document.head.append(h('link', { rel: 'stylesheet', href: UPLOT_CSS }));
  }
}

function categorySplits(n) {
  const step = Math.max(1, Math.ceil(n / 20));
  const out = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}

function shorten(label) {
  return label == null ? '' : label.length > 18 ? `${label.slice(0, 17)}…` : label;
}

function note(text) {
  return { node: h('p', { class: 'empty-state' }, text), dispose() {}, resize() {} };
}
