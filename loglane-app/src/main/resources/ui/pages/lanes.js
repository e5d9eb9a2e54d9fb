/**
 * Lanes: per lane its health, rate, events accepted, bytes its stream holds, retention, durability
 * and, per store instance, the delivery lag; the problems behind a failing lane are spelled out.
 * Refreshes every REFRESH_MS while the tab is visible.
 */
import { h, morph, replace } from '../dom.js';
import { getJson } from '../api.js';
import { formatBytes, formatCount, formatRate, formatTime } from '../format.js';

const REFRESH_MS = 5000;

export function mount(root) {
  const status = h('p', { class: 'status', role: 'status' }, 'Loading lanes…');
  const body = h('div', { class: 'lanes' });
  root.append(h('section', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Lanes'), status),
    body));

  let timer = null;
  let inFlight = null;

  async function refresh() {
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = new AbortController();
    try {
      const answer = await getJson('/api/v1/lanes', { signal: inFlight.signal });
      render(body, answer.lanes || []);
      replace(status, `Updated ${formatTime(new Date())} · refreshes every ${REFRESH_MS / 1000} s`);
      status.classList.remove('error');
    } catch (e) {
      if (e.name === 'AbortError') return;
      replace(status, `${e.message} · retrying every ${REFRESH_MS / 1000} s`);
      status.classList.add('error');
    }
    if (!document.hidden) timer = setTimeout(refresh, REFRESH_MS);
  }

  function onVisibility() {
    if (!document.hidden) refresh();
    else clearTimeout(timer);
  }

  document.addEventListener('visibilitychange', onVisibility);
  refresh();
  return {
    update() {},
    unmount() {
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}

/** Draws the lanes into body, changing only what changed since the last refresh (focus stays put). */
function render(body, lanes) {
  const next = lanes.length === 0
    ? h('p', { class: 'empty-state' }, 'No lanes are configured. Lanes come from config/loglane.yaml (see ./loglane check-config).')
    : table(lanes);
  const current = body.firstElementChild;
  if (current) morph(current, next);
  else body.append(next);
}

function table(lanes) {
  const head = h('tr', {},
    ['Lane', 'Health', 'Rate', 'Accepted', 'Stream bytes', 'Retention', 'Durability', 'Delivery lag per store']
      .map((t, i) => h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'num' : null }, t)));
  const rows = lanes.flatMap((lane) => laneRows(lane));
  return h('table', { class: 'grid', 'aria-label': 'Lanes' }, h('thead', {}, head), h('tbody', {}, rows));
}

function laneRows(lane) {
  const limit = lane.rateLimit > 0 ? ` (limit ${formatRate(lane.rateLimit)})` : '';
  const row = h('tr', { dataset: { lane: lane.name } },
    h('th', { scope: 'row' }, h('a', { href: `/sql?q=${encodeURIComponent(sampleQuery(lane.name))}` }, lane.name)),
    h('td', {}, h('span', { class: `badge health-${lane.health}` }, lane.health)),
    h('td', { class: 'num' }, formatRate(lane.eventsPerSecond), h('span', { class: 'muted' }, limit)),
    h('td', { class: 'num' }, formatCount(lane.acceptedTotal)),
    h('td', { class: 'num' }, formatBytes(lane.storedBytes)),
    h('td', { class: 'nowrap' }, lane.retention),
    h('td', {}, lane.durability),
    h('td', {}, h('ul', { class: 'stores' }, (lane.stores || []).map((s) => storeItem(s, explained(lane, s))))));
  if (!lane.problems || lane.problems.length === 0) return [row];
  const problems = h('tr', { class: 'problems' },
    h('td', { colspan: 8 }, h('ul', {}, lane.problems.map((p) =>
      h('li', {}, `${p.component}: ${p.reason} — ${p.failures} failure(s) in a row since ${p.since.replace(/(\.\d{3})\d+/, '$1')}`)))));
  return [row, problems];
}

/** Whether the lane's problems row already gives this store's error (then the store cell does not repeat it). */
function explained(lane, store) {
  return (lane.problems || []).some((p) => p.component === store.instance);
}

function storeItem(s, explainedBelow) {
  const retries = s.retries > 0 ? ` · ${formatCount(s.retries)} retries` : '';
  return h('li', { class: s.lastError ? 'failing' : null, title: s.lastError || `committed offset ${s.committed}` },
    h('span', { class: 'store-name' }, s.instance), ' ',
    h('span', { class: 'num' }, `lag ${formatCount(s.lag)}`), retries,
    s.lastError && !explainedBelow ? h('div', { class: 'store-error' }, s.lastError) : null);
}

function sampleQuery(lane) {
  const table = `"${lane.replaceAll('"', '""')}"`;
  return `SELECT ts, message FROM ${table} ORDER BY ts DESC LIMIT 100`;
}
