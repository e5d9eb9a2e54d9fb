/**
 * SQL console: an editor (Ctrl/Cmd+Enter runs), the answer as a table or a chart, the server's
 * error message when it refuses, and what the answer covered (rows, time, truncation, events not
 * yet in the archive). The query and the view live in the URL (?q=…&view=table|chart), so a link
 * reproduces the view and back/forward step through the queries run.
 */
import { h, replace } from '../dom.js';
import { postJson } from '../api.js';
import { readState, writeState } from '../state.js';
import { formatCount } from '../format.js';

const DEFAULTS = { q: '', view: 'table' };
const EXAMPLE = 'SELECT lane, count(*) AS events FROM logs GROUP BY 1 ORDER BY 2 DESC';
/** Rows drawn in the table; the rest stay in the answer (the server caps rows at its own rowLimit). */
const MAX_TABLE_ROWS = 1000;
/** Characters of one value drawn until the user asks for all: a few huge lines must not freeze the page. */
const MAX_CELL_CHARS = 2000;

export function mount(root) {
  const editor = h('textarea', {
    id: 'sql-editor', class: 'editor', rows: 6, spellcheck: 'false', 'data-main-input': true,
    'aria-label': 'SQL query', placeholder: `${EXAMPLE}\n\nCtrl+Enter runs. Tables: logs and one per lane (access, error, "default", …).`,
  });
  const run = h('button', { type: 'submit', class: 'primary' }, 'Run');
  const tabs = ['table', 'chart'].map((v) => h('button', { type: 'button', role: 'tab', dataset: { view: v }, onclick: () => setView(v, true) },
    v === 'table' ? 'Table' : 'Chart'));
  const meta = h('p', { class: 'status', role: 'status' });
  const output = h('div', { class: 'output' });
  const form = h('form', { class: 'sql-form', onsubmit: (e) => { e.preventDefault(); runQuery(); } },
    editor,
    h('div', { class: 'toolbar' }, run, h('span', { class: 'muted' }, 'Ctrl/⌘+Enter'),
      h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Result view' }, tabs)));
  root.append(h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', {}, 'SQL')), form, meta, output));

  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runQuery();
    }
  });

  let state = readState(DEFAULTS);
  let result = null;
  let chart = null;
  let inFlight = null;
  const resize = new ResizeObserver(() => chart?.resize(output.clientWidth));
  resize.observe(output);
  // the chart's canvas takes its colours when drawn: draw it again when the colour scheme flips
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  const redrawChart = () => { if (chart) draw(); };
  scheme.addEventListener('change', redrawChart);

  function setView(view, fromUser) {
    state.view = view === 'chart' ? 'chart' : 'table';
    if (fromUser) writeState({ view: state.view === 'table' ? null : state.view });
    for (const t of tabs) t.setAttribute('aria-selected', String(t.dataset.view === state.view));
    draw();
  }

  async function runQuery() {
    const q = editor.value.trim();
    if (!q) {
      showError('Type a query first, e.g. ' + EXAMPLE);
      return;
    }
    if (q !== state.q) writeState({ q }, { push: true });
    state.q = q;
    await execute(q);
  }

  async function execute(q, { flushFirst = false } = {}) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    run.disabled = true;
    replace(meta, flushFirst ? 'Flushing, then running…' : 'Running…');
    meta.classList.remove('error');
    try {
      if (flushFirst) await postJson('/api/v1/flush', null, { signal: controller.signal });
      result = await postJson('/api/v1/sql', { sql: q }, { signal: controller.signal });
      describe(result, q);
      draw();
    } catch (e) {
      if (e.name !== 'AbortError') showError(e.message);
    } finally {
      if (inFlight === controller) {
        run.disabled = false;
        inFlight = null;
      }
    }
  }

  function showError(message) {
    result = null;
    disposeChart();
    replace(meta);
    meta.classList.add('error');
    replace(output, h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, 'The query failed. '), h('span', { class: 'message' }, message)));
  }

  function describe(r, q) {
    const parts = [`${formatCount(r.rows.length)} row${r.rows.length === 1 ? '' : 's'}`, `${formatCount(r.elapsedMs)} ms`, `store: ${r.store}`];
    if (r.truncated) parts.push(`truncated at the server's limit of ${formatCount(r.rowLimit)} rows: add a LIMIT or aggregate`);
    const pending = Object.entries(r.notYetQueryable || {});
    const children = [parts.join(' · ')];
    if (pending.length > 0) {
      const total = pending.reduce((s, [, n]) => s + n, 0);
      children.push(h('span', { class: 'warning' },
        ` · ${formatCount(total)} acknowledged event(s) not yet in the archive (${pending.map(([l, n]) => `${l}: ${formatCount(n)}`).join(', ')}) `),
      h('button', { type: 'button', class: 'link', onclick: () => execute(q, { flushFirst: true }) }, 'Flush and run again'));
    }
    replace(meta, children);
  }

  function draw() {
    disposeChart();
    if (!result) return;
    if (state.view === 'chart') {
      // loaded on demand: the table view never downloads the chart library
      import('../chart.js').then(({ chartOf }) => {
        if (state.view !== 'chart' || !result) return;
        disposeChart();
        chart = chartOf(result, output.clientWidth);
        replace(output, chart.node);
      }).catch((e) => showError(`The chart could not be drawn: ${e.message}`));
    } else {
      replace(output, table(result));
    }
  }

  function disposeChart() {
    chart?.dispose();
    chart = null;
  }

  function restore() {
    state = readState(DEFAULTS);
    editor.value = state.q;
    setView(state.view, false);
    if (state.q) execute(state.q);
    else {
      result = null;
      replace(output, h('p', { class: 'empty-state' }, 'Write a query and press Ctrl+Enter. Example: ', h('code', {}, EXAMPLE)));
      replace(meta);
    }
  }

  restore();
  return {
    update: restore,
    unmount() {
      inFlight?.abort();
      resize.disconnect();
      scheme.removeEventListener('change', redrawChart);
      disposeChart();
    },
  };
}

function table(r) {
  if (r.rows.length === 0) return h('p', { class: 'empty-state' }, 'No rows. If events were just sent, they may not be in the archive yet (see above).');
  // numbers right-aligned; free text (strings, JSON, nested values) wraps, everything else stays on one line
  const kinds = r.columns.map((c) => (/INT|FLOAT|REAL|DOUBLE|DECIMAL/i.test(c.type) ? 'num'
    : /VARCHAR|JSON|STRUCT|MAP|\[\]|LIST|BLOB/i.test(c.type) ? 'text' : null));
  const head = h('tr', {}, r.columns.map((c, i) => h('th', { scope: 'col', title: c.type, class: kinds[i] }, c.name)));
  const rows = r.rows.slice(0, MAX_TABLE_ROWS).map((row) => h('tr', {}, row.map((v, i) => cell(v, kinds[i]))));
  const more = r.rows.length > MAX_TABLE_ROWS
    ? h('p', { class: 'muted' }, `Showing the first ${formatCount(MAX_TABLE_ROWS)} of ${formatCount(r.rows.length)} rows.`) : null;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid results' }, h('thead', {}, head), h('tbody', {}, rows)), more);
}

function cell(v, kind) {
  if (v == null) return h('td', { class: 'null' }, 'null');
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (text.length <= MAX_CELL_CHARS) return h('td', { class: kind }, text);
  // cut before a lone high surrogate so the shown part stays valid text
  const cut = /[\uD800-\uDBFF]/.test(text[MAX_CELL_CHARS - 1]) ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS;
  const td = h('td', { class: kind }, text.slice(0, cut), ' ');
  td.append(h('button', { type: 'button', class: 'link more', onclick: () => td.replaceChildren(text) },
    `… show all ${formatCount(text.length)} characters`));
  return td;
}
