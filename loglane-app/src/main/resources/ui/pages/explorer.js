/**
 * Explorer: search one lane over a time range: its index for what the index holds, its archive for what
 * is older (or for all of it when the lane has no index). A lane picker (lanes delivered to the index or
 * the archive), quick and absolute ranges, a query bar (Enter runs; the syntax the server chose is
 * shown; a refused query is marked at the position the 400 names), the histogram (click a bar or
 * drag across bars to zoom), and the hits newest first in a virtualized list (only the rows in
 * view are in the DOM, so any number of loaded rows stays under the node budget), one open hit
 * shown below as a field table and as JSON, and "load more" through the answer's cursor.
 *
 * Hits are keyed by their id (o<offset> for the index, a<tsNanos>.<n> for the archive): "open" in the
 * URL is that id, or a bare stream offset as links written before ids existed name an index hit. An
 * archive hit has no stream offset, so it has no context view. Under the histogram, "searched:" names
 * each part of the range with the store that answered it, a part no store covered as a warning with
 * the reason, and whether the answer is incomplete.
 *
 * The whole view lives in the URL (lane, q, syntax, from, to, open), so a link reproduces it and
 * back/forward restore it. Log text reaches the page only as text nodes (dom.js).
 *
 * Beside the hits, the field sidebar (field-sidebar.js; the open field is "field" in the URL): a
 * value's include / exclude ANDs a Lucene clause onto the query and re-runs it. The open hit has a
 * context view (context-view.js): the lines around it in its lane.
 * Live tail (tail.js) adds new matching lines at the top while it is on.
 */
import { controlText, h, replace } from '../dom.js';
import { getJson } from '../api.js';
import { readState, writeState } from '../state.js';
import { formatCount, formatTime } from '../format.js';
import { follow } from '../tail.js';
import { fieldSidebar, url, withClause } from '../field-sidebar.js';
import { contextView } from '../context-view.js';

const DEFAULTS = { lane: '', q: '', syntax: '', from: '15m', to: '', open: '', field: '' };
const QUICK_RANGES = ['15m', '1h', '24h', '7d'];
/** Hits asked per page; the server allows up to 10 000. */
const PAGE = 500;
/** Height of one result row in px (rows are one line, cut with an ellipsis); the list is virtualized on it. */
const ROW_HEIGHT = 24;
/** Rows drawn above and below the visible ones, so scrolling does not show blank space. */
const OVERSCAN = 15;
/** Characters of one message drawn in a row; the open hit shows it all. */
const MAX_ROW_CHARS = 500;
/** Characters of the open hit's JSON pretty-printed; longer records are shown as one line. */
const MAX_PRETTY_CHARS = 200_000;
const LEVEL_FIELDS = ['level', 'severity', 'lvl', 'log_level', 'loglevel'];

/** Hits kept while tailing; the oldest go first (the search can fetch them again). */
const MAX_TAILED = 10_000;

export function mount(root) {
  const laneSelect = h('select', { id: 'explorer-lane', 'aria-label': 'Lane', onchange: () => navigate({ lane: laneSelect.value, open: null }) });
  const quick = QUICK_RANGES.map((r) => h('button', { type: 'button', dataset: { range: r }, onclick: () => navigate({ from: r, to: null, open: null }) }, r));
  const fromInput = h('input', { id: 'explorer-from', class: 'time', 'aria-label': 'From (ISO-8601, epoch ms, or 15m before now)', spellcheck: 'false' });
  const toInput = h('input', { id: 'explorer-to', class: 'time', 'aria-label': 'To (empty = now)', placeholder: 'now', spellcheck: 'false' });
  const rangeForm = h('form', { class: 'range', onsubmit: (e) => { e.preventDefault(); navigate({ from: fromInput.value.trim() || '15m', to: toInput.value.trim(), open: null }); } },
    h('div', { class: 'tabs', role: 'group', 'aria-label': 'Quick ranges' }, quick),
    fromInput, h('span', { class: 'muted' }, '→'), toInput, h('button', { type: 'submit' }, 'Apply'));

  const query = h('input', {
    id: 'explorer-query', class: 'query', 'data-main-input': true, spellcheck: 'false', autocomplete: 'off',
    'aria-label': 'Query', placeholder: 'ERROR -timeout   { $.status >= 500 }   status:[500 TO 599] AND method:POST',
  });
  const syntaxSelect = h('select', { id: 'explorer-syntax', 'aria-label': 'Syntax' },
    h('option', { value: '' }, 'auto'), h('option', { value: 'filter' }, 'filter pattern'), h('option', { value: 'lucene' }, 'Lucene'));
  const run = h('button', { type: 'submit', class: 'primary' }, 'Search');
  const liveButton = h('button', { type: 'button', id: 'explorer-live', 'aria-pressed': 'false', onclick: () => (tail ? stopTail() : startTail()) }, 'Live tail');
  const liveState = h('span', { class: 'live-state muted', role: 'log', 'aria-live': 'polite' });
  const syntaxShown = h('span', { class: 'syntax-shown muted', 'aria-live': 'polite' });
  const queryError = h('div', { class: 'query-error', role: 'alert', hidden: true });
  const queryForm = h('form', { class: 'query-form', onsubmit: (e) => { e.preventDefault(); navigate({ q: query.value.trim(), syntax: syntaxSelect.value, open: null }); } },
    query, syntaxSelect, run, liveButton, liveState, syntaxShown);
  const help = h('details', { class: 'syntax-help' }, h('summary', {}, 'Syntax'),
    h('ul', {},
      h('li', {}, h('b', {}, 'Filter pattern'), ' (CloudWatch): ', h('code', {}, 'ERROR -timeout'), ' terms are case-sensitive substrings; ',
        h('code', {}, '"a phrase"'), ', ', h('code', {}, '?alt ?alt'), ', ', h('code', {}, '{ $.status >= 500 && $.path = "/api/*" }'), ', ',
        h('code', {}, '[ip, user, ..., status = 5*]'), '.'),
      h('li', {}, h('b', {}, 'Lucene'), ': ', h('code', {}, 'status:[500 TO 599] AND method:POST'), ', ', h('code', {}, 'message:"disk full"'), ', ',
        h('code', {}, 'path:/api*'), '. The histogram counts Lucene queries (and the empty query).'),
      h('li', {}, 'Fields: a value\'s + / − add ', h('code', {}, 'AND field:"value"'), ' / ', h('code', {}, 'AND NOT field:"value"'),
        ' (Lucene) to the query; with a filter pattern in the bar they are off.'),
      h('li', {}, 'Auto picks the syntax from the query; the answer says which it used.')));

  const histogram = h('div', { class: 'histogram', 'aria-label': 'Matches over time' });
  const status = h('p', { class: 'status', role: 'status' });
  const searched = h('p', { class: 'searched muted' });
  const spacer = h('div', { class: 'spacer' });
  const pane = h('div', { class: 'results-pane', role: 'grid', 'aria-label': 'Hits, newest first', tabindex: 0 }, spacer);
  const more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => loadMore() }, 'Load more');
  const detail = h('div', { class: 'hit-detail' });
  const body = h('div', { class: 'explorer-body' }, histogram, searched, status, pane, more, detail);
  const sidebar = fieldSidebar({
    onPick: (field) => navigate({ field }),
    onFilter: (c) => navigate({ q: withClause(state.q, c), syntax: 'lucene', open: null }),
  });

  root.append(h('section', { class: 'page explorer' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Explorer'), laneSelect, rangeForm),
    queryForm, queryError, help, h('div', { class: 'explorer-main' }, sidebar.el, body)));

  let state = readState(DEFAULTS);
  let lanes = null; // every lane as /api/v1/lanes lists it: {name, searchable: the stores it is searched in}
  let hits = [];
  let answer = null;
  let inFlight = null;
  let plot = null;
  let chart = null; // chart.js, once loaded
  let shownHistogram = null; // the histogram answer drawn, to redraw in the other colour scheme
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  let drawn = ''; // the first:last row window last drawn
  let tail = null; // the live tail while on
  let tailed = 0;
  let missed = 0;
  let pending = []; // tailed hits not drawn yet (drawn once per frame)

  pane.addEventListener('scroll', () => requestAnimationFrame(drawRows));
  pane.addEventListener('click', (e) => {
    const row = e.target.closest('[data-id]');
    if (row) toggle(row.dataset.id);
  });
  pane.addEventListener('keydown', onListKey);
  document.addEventListener('keydown', onPageKey);
  scheme.addEventListener('change', onSchemeChange);
  // rows are redrawn only when the window of rows in view changes: replacing them on every resize (the
  // histogram arriving after the rows resizes the body) would drop hover and the element under the pointer
  const resize = new ResizeObserver(() => { plot?.setSize(plotSize()); drawRows(); });
  resize.observe(body);

  /** Changes the view: writes the URL (a history entry) and loads what changed. */
  function navigate(values) {
    writeState(values, { push: true });
    restore();
  }

  async function restore() {
    state = readState(DEFAULTS);
    query.value = state.q;
    syntaxSelect.value = state.syntax === 'filter' || state.syntax === 'lucene' ? state.syntax : '';
    fromInput.value = state.from;
    toInput.value = state.to;
    for (const b of quick) b.setAttribute('aria-pressed', String(b.dataset.range === state.from && !state.to));
    let started = false;
    if (lanes == null) {
      const listed = searchableLanes();
      if (state.lane) {
        // a link that names its lane searches at once; the lane list (for the picker) arrives alongside
        replace(laneSelect, h('option', { value: state.lane }, state.lane));
        search();
        started = true;
      }
      try {
        lanes = await listed;
      } catch (e) {
        showFailure(e.message);
        return;
      }
    }
    const searchable = lanes.filter((l) => l.searchable.length > 0);
    const named = lanes.find((l) => l.name === state.lane);
    // a lane the link names that no store can answer stays in the picker (disabled) so the page can say what to do
    replace(laneSelect, searchable.map((l) => h('option', { value: l.name }, laneLabel(l))),
      named && named.searchable.length === 0 ? h('option', { value: named.name, disabled: true }, `${named.name} (not searchable)`) : null);
    if (named && named.searchable.length === 0) {
      laneSelect.value = named.name;
      notSearchable(`Lane ${named.name} is delivered to neither the index nor the archive, so nothing of it is kept to search. `
        + `Add "archive" (kept for its retention, searched with SQL) or "index" (searchable within a second) to its to: in config/loglane.yaml `
        + 'and restart; events sent before that are not searchable. Or pick another lane.');
      return;
    }
    if (searchable.length === 0) {
      notSearchable('No lane is delivered to the index or the archive, so there is nothing to search. Add "index" or "archive" to a lane\'s to: '
        + 'in config/loglane.yaml and restart.');
      return;
    }
    if (!named) {
      writeState({ lane: searchable.some((l) => l.name === 'access') ? 'access' : searchable[0].name });
      state = readState(DEFAULTS);
      started = false;
    }
    laneSelect.value = state.lane;
    if (!started) search();
  }

  function startTail() {
    if (state.q && answer?.syntax === 'lucene') {
      liveState.textContent = 'Live tail takes filter patterns; this query is Lucene.';
      return;
    }
    tailed = 0;
    missed = 0;
    liveButton.setAttribute('aria-pressed', 'true');
    tail = follow(state.lane, state.q, {
      onState: (s) => { liveState.dataset.state = s; showTailState(); },
      onHit: (hit) => {
        if (pending.length === 0) requestAnimationFrame(drawTailed);
        pending.push(hit);
      },
      onMissed: (m) => { missed += m.count; showTailState(); },
      onError: (message) => { stopTail(); liveState.textContent = `Live tail stopped: ${message}`; },
    });
  }

  function stopTail() {
    tail?.close();
    tail = null;
    pending = [];
    liveButton.setAttribute('aria-pressed', 'false');
    liveState.textContent = '';
    delete liveState.dataset.state;
  }

  /** Puts the lines tailed since the last frame on top; a reader scrolled down keeps their place. */
  function drawTailed() {
    if (!tail || pending.length === 0) return;
    const fresh = pending.reverse();
    pending = [];
    tailed += fresh.length;
    hits = fresh.concat(hits).slice(0, MAX_TAILED);
    if (pane.scrollTop > 0) pane.scrollTop += fresh.length * ROW_HEIGHT;
    pane.hidden = false;
    drawn = '';
    drawRows();
    showTailState();
  }

  function showTailState() {
    const parts = [liveState.dataset.state === 'live' ? `live · ${formatCount(tailed)} new` : `${liveState.dataset.state}…`];
    if (liveState.dataset.state === 'live') parts[0] += ' above the search'; // the status line counts the search only
    if (missed > 0) parts.push(`${formatCount(missed)} missed (the page could not keep up or they expired)`);
    liveState.textContent = parts.join(' · ');
  }

  async function search() {
    // a live tail follows the new query once its first page is shown
    const wasLive = tail != null;
    stopTail();
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const params = { lane: state.lane, q: state.q, syntax: state.syntax, from: state.from, to: state.to };
    hideQueryError();
    status.classList.remove('error');
    replace(status, 'Searching…');
    sidebar.el.classList.add('stale'); // its fields describe the previous query until this one answers
    histogram.classList.add('stale');
    run.disabled = true;
    // in stages: the rows first, then the histogram and the field sidebar (both read every match)
    let histogramDone = null;
    try {
      answer = await getJson(url('/api/v1/search', { ...params, limit: PAGE }), { signal: controller.signal });
      hits = answer.hits;
      pane.hidden = false;
      syntaxShown.textContent = `syntax: ${answer.syntax}`;
      // a filter pattern cannot take a Lucene clause: include / exclude are off unless the bar is Lucene or empty
      sidebar.show(params, state.field, !state.q || answer.syntax === 'lucene');
      describe();
      pane.scrollTop = 0;
      drawn = '';
      drawRows();
      showOpen();
      histogramDone = drawHistogram(params, controller.signal);
      if (wasLive) startTail();
    } catch (e) {
      if (e.name === 'AbortError') return;
      hits = [];
      answer = null;
      pane.hidden = true;
      sidebar.clear();
      disposePlot();
      searched.textContent = '';
      drawn = '';
      drawRows();
      replace(detail);
      more.hidden = true;
      if (e.status === 400 && e.body && /^bad_query/.test(e.body.error || '')) showQueryError(e.body);
      else showFailure(e.message);
    } finally {
      if (inFlight === controller) run.disabled = false;
    }
    await histogramDone;
  }

  async function loadMore() {
    if (!answer?.next_cursor) return;
    const controller = new AbortController();
    inFlight?.abort();
    inFlight = controller;
    more.disabled = true;
    try {
      const next = await getJson(url('/api/v1/search', {
        lane: state.lane, q: state.q, syntax: state.syntax, from: answer.from, to: answer.to, limit: PAGE, cursor: answer.next_cursor,
      }), { signal: controller.signal });
      hits = hits.concat(next.hits);
      // every page counts on its own: the total is at least what is loaded, and exact once all is
      const all = !next.next_cursor;
      answer = {
        ...answer,
        next_cursor: next.next_cursor,
        total: all ? hits.length : Math.max(answer.total, next.total, hits.length),
        total_relation: all || next.total_relation === 'eq' ? 'eq' : 'gte',
      };
      describe();
      drawn = '';
      drawRows();
    } catch (e) {
      if (e.name !== 'AbortError') showFailure(e.message);
    } finally {
      more.disabled = false;
    }
  }

  function describe() {
    const total = answer.total_relation === 'eq' ? formatCount(answer.total) : `≥ ${formatCount(answer.total)}`;
    const span = `${formatWhen(answer.from)} → ${formatWhen(answer.to)}`;
    replace(status,
      h('span', { class: 'total', dataset: { relation: answer.total_relation } }, `${total} hit${answer.total === 1 ? '' : 's'}`),
      ` · ${formatCount(hits.length)} loaded · ${span}`);
    showSearched();
    more.hidden = !answer.next_cursor;
    if (hits.length === 0) {
      const unsearched = (answer.stores || []).filter((x) => x.covered === false);
      replace(spacer, h('div', { class: 'empty-state' },
        h('p', {}, `No hits in ${state.lane} between ${formatWhen(answer.from)} and ${formatWhen(answer.to)}.`),
        // "no hits" over a part nothing searched is not "nothing there": say so first
        unsearched.length ? h('p', { class: 'warning' }, `Not all of the range was searched (${unsearched.map((x) => x.reason).join('; ')}): `
          + 'matches may be there. Write the query without what the archive cannot run (e.g. [*] selectors, fuzzy terms), or narrow the range to what the index holds.') : null,
        h('p', {}, 'Widen the range (', QUICK_RANGES.slice(1).map((r, i) => [i ? ', ' : '', h('a', { href: '#', dataset: { widen: r } }, r)]), '), ',
          state.q ? ['remove terms from the query (', h('a', { href: '#', class: 'clear-query' }, 'search everything'), '), '] : '',
          'or check the syntax: filter-pattern terms are case-sensitive substrings (', h('code', {}, 'Error'), ' does not match ', h('code', {}, 'ERROR'), ').'),
        h('p', {}, 'Events sent a moment ago are searchable within a second; a lane\'s retention drops whole days.')));
      spacer.querySelector('a.clear-query')?.addEventListener('click', (e) => { e.preventDefault(); navigate({ q: null, syntax: null, open: null }); });
      for (const a of spacer.querySelectorAll('a[data-widen]')) {
        a.addEventListener('click', (e) => { e.preventDefault(); navigate({ from: a.dataset.widen, to: null }); });
      }
    }
  }

  /**
   * Under the histogram, which store answered which part of the range, newest first ("searched: index
   * Dec 1 → now · archive Nov 1 → Dec 1"), as the answer's stores say: a part no store covered is a
   * warning with its reason, a store's note follows its part, and an answer that is not complete says why.
   */
  function showSearched() {
    const at = (iso) => new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
    const stores = answer.stores || [];
    const parts = stores.map((s, i) => {
      const to = !state.to && s.to === answer.to ? 'now' : at(s.to);
      const uncovered = s.covered === false;
      return h('span', { class: `store-part${uncovered ? ' warning' : ''}`, dataset: { store: s.store, covered: String(!uncovered) } },
        i ? ' · ' : '', h('span', { class: 'store-name' }, s.store), ` ${at(s.from)} → ${to}`,
        uncovered ? h('span', { class: 'reason' }, ` — ⚠ not searched: ${s.reason}`) : null,
        s.note ? h('span', { class: 'note' }, ` (${s.note})`) : null);
    });
    const uncovered = stores.filter((s) => s.covered === false).length;
    const why = [];
    if (uncovered) why.push(`${uncovered === 1 ? 'a part' : `${uncovered} parts`} of the range not searched`);
    if (answer.total_relation === 'gte') why.push('the total is a lower bound');
    if (answer.next_cursor) why.push('more hits than loaded');
    const incomplete = answer.complete === false
      ? h('span', { class: `incomplete${uncovered ? ' warning' : ''}` }, ` · incomplete: ${why.length ? why.join(', ') : 'the server says so'}`)
      : null;
    searched.classList.toggle('has-warning', uncovered > 0);
    if (uncovered) searched.setAttribute('role', 'alert');
    else searched.removeAttribute('role');
    replace(searched, parts.length ? ['searched: ', parts, incomplete] : null);
  }

  async function drawHistogram(params, signal) {
    let answer;
    try {
      answer = await getJson(url('/api/v1/histogram', params), { signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      disposePlot();
      // a refused query is explained once, at the query bar
      if (e.status === 400 && /^bad_query/.test(e.body?.error || '')) return;
      replace(histogram, h('p', { class: 'muted histogram-note' }, e.status === 400 && /Lucene syntax only/.test(e.message)
        ? 'No histogram for a filter pattern yet: the server counts Lucene queries (and the empty query) per interval.'
        : `No histogram: ${e.message}`));
      return;
    }
    // loaded on demand, like the SQL page's chart
    chart = await import('../chart.js');
    if (signal.aborted) return;
    plotHistogram(answer);
  }

  /** Draws a histogram answer (again when the colour scheme changes: the chart takes its colours when drawn). */
  function plotHistogram(answer) {
    disposePlot();
    shownHistogram = answer;
    const interval = answer.interval_ms;
    const xs = answer.buckets.map((b) => Date.parse(b.start) / 1000);
    const counts = answer.buckets.map((b) => b.count);
    plot = chart.timeBars(histogram, xs, counts, interval / 1000, plotSize(),
      (fromSec, toSec) => navigate({ from: new Date(fromSec * 1000).toISOString(), to: new Date(toSec * 1000).toISOString(), open: null }));
    // what the bars span, for tests and tools that point at a bucket
    Object.assign(histogram.dataset, { intervalMs: String(interval), start: answer.buckets[0]?.start ?? '', buckets: String(answer.buckets.length) });
    // bars that leave matches out must not pass for the whole picture
    const uncovered = (answer.stores || []).filter((s) => s.covered === false);
    if (answer.complete === false) {
      histogram.append(h('p', { class: `histogram-note ${uncovered.length ? 'warning' : 'muted'}` }, uncovered.length
        ? `Incomplete: not counted ${uncovered.map((s) => `${s.store} (${s.reason})`).join(', ')}.`
        : 'Incomplete: the counts are a lower bound (the server stopped verifying candidates at its cap).'));
    }
  }

  function plotSize() {
    return { width: Math.max(320, body.clientWidth), height: 140 };
  }

  function disposePlot() {
    plot?.destroy();
    plot = null;
    shownHistogram = null;
    histogram.classList.remove('stale');
    replace(histogram);
  }

  function onSchemeChange() {
    if (shownHistogram) plotHistogram(shownHistogram);
  }

  /** Draws the rows in view (plus OVERSCAN) and nothing else: the DOM stays small at any number of hits. */
  function drawRows() {
    spacer.style.height = hits.length ? `${hits.length * ROW_HEIGHT}px` : '';
    const first = Math.max(0, Math.floor(pane.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(hits.length, Math.ceil((pane.scrollTop + pane.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const key = `${first}:${last}:${state.open}`;
    if (key === drawn || (hits.length === 0 && answer && !tail)) return; // no hits: the pane holds the empty state
    drawn = key;
    const rows = [];
    for (let i = first; i < last; i++) rows.push(rowOf(hits[i], i));
    replace(spacer, rows);
    pane.setAttribute('aria-rowcount', String(hits.length));
  }

  function rowOf(hit, i) {
    const level = levelOf(hit.record);
    const open = isOpen(hit);
    // A JSON line's own message reads better in a row than the whole line; the open hit shows both.
    const own = hit.record?.message ?? hit.record?.msg;
    const message = typeof own === 'string' && own !== '' ? own : (hit.message ?? '');
    const row = h('div', { class: `hit${open ? ' open' : ''}`, role: 'row', 'aria-rowindex': i + 1, 'aria-selected': String(open), dataset: { id: hit.id, store: hit.store } },
      h('span', { class: 'ts', role: 'gridcell', title: hit.ts }, formatWhen(hit.ts)),
      h('span', { class: `level level-${(level || '').toLowerCase()}`, role: 'gridcell' }, level || ''),
      h('span', { class: 'msg', role: 'gridcell' }, controlText(message.length > MAX_ROW_CHARS ? `${message.slice(0, MAX_ROW_CHARS)}…` : message, true)));
    // through the CSSOM: the policy forbids style attributes
    row.style.top = `${i * ROW_HEIGHT}px`;
    return row;
  }

  /** Esc anywhere on the page closes the open hit (the key is left alone in a menu or when nothing is open). */
  function onPageKey(e) {
    if (e.key !== 'Escape' || !state.open || e.defaultPrevented || e.target.closest('select')) return;
    e.preventDefault();
    const row = e.target.closest('.hit-detail');
    writeState({ open: null });
    state.open = '';
    drawn = '';
    drawRows();
    showOpen();
    if (row) pane.focus(); // focus was in the detail just removed: back to the list
  }

  /**
   * Opens or closes a hit: a history entry, but not a new search. Searching again would replace the
   * hits a live tail added (a line tailed from an archive-only lane is not searchable until the archive flushes).
   */
  function toggle(id) {
    writeState({ open: state.open === id ? null : id }, { push: true });
    state = readState(DEFAULTS);
    drawn = '';
    drawRows();
    showOpen();
  }

  /** Whether the URL's open names this hit: by its id, or by its stream offset (links from before ids). */
  function isOpen(hit) {
    return state.open !== '' && (hit.id === state.open || (hit.offset != null && String(hit.offset) === state.open));
  }

  function onListKey(e) {
    if (hits.length === 0) return;
    let i = hits.findIndex(isOpen);
    if (e.key === 'j' || e.key === 'ArrowDown') i = Math.min(hits.length - 1, i + 1);
    else if (e.key === 'k' || e.key === 'ArrowUp') i = Math.max(0, i - 1);
    else return;
    e.preventDefault();
    writeState({ open: hits[i].id });
    state.open = hits[i].id;
    const top = i * ROW_HEIGHT;
    if (top < pane.scrollTop) pane.scrollTop = top;
    else if (top + ROW_HEIGHT > pane.scrollTop + pane.clientHeight) pane.scrollTop = top + ROW_HEIGHT - pane.clientHeight;
    drawn = '';
    drawRows();
    showOpen();
  }

  /** Fills the detail pane with the open hit: its fields as a table and its record as JSON. */
  function showOpen() {
    const hit = hits.find(isOpen);
    if (!hit) {
      replace(detail, hits.length > 0 ? h('p', { class: 'muted' }, 'Click a hit (or use j/k in the list) to see its fields and JSON.') : null);
      return;
    }
    const archived = hit.offset == null;
    // the context view reads the lane's index: a line tailed from a lane without one has an offset but no context
    const indexed = lanes?.find((l) => l.name === state.lane)?.searchable.includes('index') ?? true;
    const noContext = archived ? 'archived rows carry no stream offset' : indexed ? null : `lane ${state.lane} has no index, which the context view reads`;
    const fields = flatten({ ...(archived ? { store: hit.store } : { offset: hit.offset }), ts: hit.ts, tag: hit.tag, message: hit.message, ...hit.record });
    const json = JSON.stringify(hit.record);
    const pretty = json.length <= MAX_PRETTY_CHARS ? JSON.stringify(hit.record, null, 2) : json;
    const open = h('div', { class: 'hit-open', dataset: { id: hit.id, store: hit.store ?? '' } },
      h('div', { class: 'toolbar' }, h('strong', {}, archived ? `Archived hit at ${formatWhen(hit.ts)}` : `Hit at offset ${hit.offset}`),
        h('button', { type: 'button', onclick: () => toggle(state.open) }, 'Close'),
        noContext
          ? h('span', { class: 'no-context muted' }, `No context view: ${noContext}.`)
          : h('button', { type: 'button', class: 'show-context', 'aria-expanded': 'false', onclick: (e) => {
            e.target.setAttribute('aria-expanded', 'true');
            e.target.disabled = true;
            open.append(h('h3', {}, 'Context'), contextView(state.lane, String(hit.offset), formatWhen));
          } }, 'Context')),
      h('div', { class: 'hit-columns' },
        h('table', { class: 'grid fields' }, h('tbody', {}, fields.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, controlText(v, false)))))),
        h('pre', { class: 'json' }, pretty)));
    replace(detail, open);
  }

  function showQueryError(b) {
    const position = errorPosition(b);
    if (b.syntax) syntaxShown.textContent = `syntax: ${b.syntax}`;
    queryError.hidden = false;
    query.setAttribute('aria-invalid', 'true');
    const text = state.q;
    const children = [h('strong', {}, `The ${b.syntax === 'lucene' ? 'Lucene query' : 'filter pattern'} is not valid. `),
      h('span', { class: 'message' }, b.error.replace(/^bad_query: /, '')),
      h('p', { class: 'what-to-do' }, 'Fix it at the caret and press Enter; "Syntax" below has examples of both syntaxes',
        state.syntax ? '' : ', and the syntax menu picks one when auto guesses wrong', '.')];
    if (position != null) {
      queryError.dataset.position = String(position);
      // the server's message already names the place in its own terms (index or column): just point at it
      children.push(h('pre', { class: 'at' }, text, '\n', ' '.repeat(Math.min(position, text.length)), h('span', { class: 'caret' }, '^')));
      query.focus();
      query.setSelectionRange(Math.min(position, text.length), Math.min(position + 1, text.length));
    } else {
      delete queryError.dataset.position;
    }
    replace(queryError, children);
    replace(status);
    disposePlot();
  }

  function hideQueryError() {
    queryError.hidden = true;
    query.removeAttribute('aria-invalid');
  }

  function showFailure(message) {
    status.classList.add('error');
    replace(status, h('span', { class: 'error-box', role: 'alert' }, h('strong', {}, 'The search failed. '), h('span', { class: 'message' }, message),
      ' Check the lane and the range, or try again; the Lanes page shows whether the index store is healthy.'));
  }

  /** The lane cannot be searched: no search runs, and nothing of an earlier one stays on the page. */
  function notSearchable(text) {
    inFlight?.abort();
    stopTail();
    hits = [];
    answer = null;
    sidebar.clear();
    disposePlot();
    searched.replaceChildren();
    more.hidden = true;
    pane.hidden = true;
    syntaxShown.textContent = '';
    status.classList.remove('error');
    replace(status);
    replace(detail, h('p', { class: 'empty-state not-searchable' }, text));
  }

  restore();
  return {
    update: restore,
    unmount() {
      stopTail();
      inFlight?.abort();
      sidebar.abort();
      document.removeEventListener('keydown', onPageKey);
      scheme.removeEventListener('change', onSchemeChange);
      resize.disconnect();
      plot?.destroy();
    },
  };
}

/** The stores the Explorer searches, in the order a search reads them. */
const SEARCHED_STORES = ['index', 'archive'];

/** Every lane in the server's order, with the stores it is searched in (empty: not searchable). */
async function searchableLanes() {
  const answer = await getJson('/api/v1/lanes');
  return answer.lanes.map((l) => {
    const kinds = new Set((l.stores || []).map((s) => s.kind ?? s.store));
    return { name: l.name, searchable: SEARCHED_STORES.filter((k) => kinds.has(k)) };
  });
}

/** A picker entry: the lane, and "archive only" where a search reads the archive alone (slower, SQL). */
function laneLabel(lane) {
  return lane.searchable.includes('index') ? lane.name : `${lane.name} (archive only)`;
}

/**
 * The 0-based position of a refused query: filter patterns name it ("position"); Lucene's parser
 * says "line L, column C" (1-based), turned into an index into the one-line query.
 */
export function errorPosition(body) {
  if (Number.isInteger(body.position)) return body.position;
  const m = /line (\d+), column (\d+)/.exec(body.error || '');
  return m && m[1] === '1' ? Math.max(0, Number(m[2]) - 1) : null;
}

function levelOf(record) {
  if (!record || typeof record !== 'object') return null;
  for (const k of LEVEL_FIELDS) {
    const v = record[k] ?? record.fields?.[k];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return null;
}

/** The record as [dotted.path, text] pairs; arrays and objects are walked, leaves become text. */
function flatten(value, prefix = '', out = []) {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  }
  return out;
}

/** A time with milliseconds, in the user's zone, the date only when not today. */
function formatWhen(iso) {
  const d = new Date(iso);
  const time = formatTime(d);
  return new Date().toDateString() === d.toDateString() ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}
