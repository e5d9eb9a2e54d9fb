/** Explorer: a placeholder until search lands; points to SQL, which can already answer. */
import { h } from '../dom.js';

export function mount(root) {
  root.append(
    h('section', { class: 'page' },
      h('h1', {}, 'Explorer'),
      h('p', { class: 'muted' }, 'Search with a histogram, field filters and live tail is coming here.'),
      h('p', { class: 'muted' }, 'Until then, the ', h('a', { href: '/sql' }, 'SQL console'),
        ' answers questions over the archive, e.g. ',
        h('a', { href: '/sql?q=' + encodeURIComponent("SELECT ts, lane, message FROM logs WHERE message ILIKE '%error%' ORDER BY ts DESC LIMIT 100") },
          'the latest 100 lines that mention error'), '.')));
  return { update() {}, unmount() {} };
}
