/**
 * The Explorer's field sidebar: the lane's fields for the current search (/api/v1/fields); a click
 * on one shows its top values (/api/v1/fields/{name}/top) with counts, shares and the denominator
 * ("of N matches", "sample" when the server did not read every match). Each value offers include /
 * exclude, which the page turns into a Lucene clause (see {@link clause}) and re-runs the search.
 * Fields the lane declares that no match has are listed apart ("not in these matches"), not as 0 %;
 * clear() empties the sidebar when a search fails, so it never shows the fields of an earlier query.
 * Text reaches the DOM only through dom.js.
 */
import { controlText, h, replace } from './dom.js';
import { getJson } from './api.js';
import { formatCount } from './format.js';

/** Top values asked per field. */
const TOP = 10;

/**
 * The Lucene clause that includes (or with exclude, excludes) one field value: field:"value" or
 * NOT field:"value", the value quoted with \ and " escaped.
 */
export function clause(field, value, exclude) {
  const quoted = `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `${exclude ? 'NOT ' : ''}${field}:${quoted}`;
}

/** The query with the clause ANDed on (an empty query becomes the clause). */
export function withClause(q, c) {
  return q ? `${q} AND ${c}` : c;
}

/**
 * Builds the sidebar element. onPick(field) opens/closes a field (the page keeps it in the URL);
 * onFilter(clause) adds a clause to the query. show(params, open, filterable) reloads it.
 */
export function fieldSidebar({ onPick, onFilter }) {
  const el = h('aside', { class: 'field-sidebar', 'aria-label': 'Fields' });
  let controller = null;

  async function show(params, open, filterable) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    el.classList.remove('stale');
    replace(el, h('h2', {}, 'Fields'), h('p', { class: 'muted' }, 'Loading…'));
    let fields;
    try {
      fields = await getJson(url('/api/v1/fields', params), { signal });
    } catch (e) {
      if (e.name !== 'AbortError') replace(el, h('h2', {}, 'Fields'), h('p', { class: 'muted' }, `No fields: ${e.message}`));
      return;
    }
    // a field the lane declares but none of these matches has is not a 0 % to compare: it is listed apart
    const present = fields.fields.filter((f) => f.count > 0);
    const absent = fields.fields.filter((f) => !(f.count > 0));
    const list = h('ul', { class: 'fields-list' }, present.map((f) => h('li', { dataset: { field: f.name } },
      h('button', { type: 'button', class: 'field-name', 'aria-expanded': String(f.name === open), onclick: () => onPick(f.name === open ? null : f.name) },
        h('span', {}, f.name), h('span', { class: 'muted' }, ` ${pct(f.share)}`)))));
    const notHere = absent.length === 0 ? null : h('details', { class: 'absent-fields' },
      h('summary', { class: 'muted' }, `${absent.length} not in these matches`),
      h('ul', { class: 'fields-list' }, absent.map((f) => h('li', { class: 'absent', dataset: { field: f.name }, title: 'declared for the lane; no match here has it' }, f.name))));
    replace(el, h('h2', {}, 'Fields'), h('p', { class: 'muted denominator' }, `of ${formatCount(fields.matches)} matches${fields.exact ? '' : ' (sample)'}`),
      present.length ? list : h('p', { class: 'muted' }, 'No field has a value in these matches.'), notHere);
    const item = open && list.querySelector(`li[data-field="${CSS.escape(open)}"]`);
    if (!item) return;
    let top;
    try {
      top = await getJson(url(`/api/v1/fields/${encodeURIComponent(open)}/top`, { ...params, size: TOP }), { signal });
    } catch (e) {
      if (e.name !== 'AbortError') item.append(h('p', { class: 'muted' }, `No values: ${e.message}`));
      return;
    }
    const note = filterable ? null : 'include / exclude add Lucene clauses; write this filter pattern in Lucene (or clear it) to use them';
    item.append(h('div', { class: 'top-values' },
      h('p', { class: 'muted denominator' }, `of ${formatCount(top.denominator)} matches${top.exact ? '' : ' · sample'}`
        + (top.missing ? ` · ${formatCount(top.missing)} without` : '')),
      h('table', { class: 'grid top' }, h('tbody', {}, top.values.map((v) => h('tr', { dataset: { value: String(v.value) } },
        h('td', { class: 'value' }, controlText(String(v.value), false)),
        h('td', { class: 'count' }, formatCount(v.count)),
        h('td', { class: 'share muted' }, pct(v.share)),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'include', title: note ?? `add ${clause(open, v.value, false)}`, disabled: !filterable,
            'aria-label': `Include ${open} ${v.value}`, onclick: () => onFilter(clause(open, v.value, false)) }, '+'),
          h('button', { type: 'button', class: 'exclude', title: note ?? `add ${clause(open, v.value, true)}`, disabled: !filterable,
            'aria-label': `Exclude ${open} ${v.value}`, onclick: () => onFilter(clause(open, v.value, true)) }, '−'))))))));
  }

  /** Empties the sidebar (hidden while empty): after a failed search its fields would describe the previous query. */
  function clear() {
    controller?.abort();
    el.classList.remove('stale');
    replace(el);
  }

  return { el, show, clear, abort: () => controller?.abort() };
}

function pct(share) {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 0)}%`;
}

export function url(path, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') p.set(k, v);
  return `${path}?${p}`;
}
