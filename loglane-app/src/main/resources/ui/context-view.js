/**
 * The open hit's context view: the lines before and after it in its lane (/api/v1/context), the
 * hit itself marked, and "load more" on either side (each asks STEP more lines). Text reaches the
 * DOM only through dom.js.
 */
import { controlText, h, replace } from './dom.js';
import { getJson } from './api.js';
import { url } from './field-sidebar.js';

/** Lines asked on each side at first and added by each "load more". */
const STEP = 10;

/** Builds the view for one hit; format(ts) renders a time. */
export function contextView(lane, offset, format) {
  const el = h('div', { class: 'context-view', 'aria-label': 'Context' });
  let before = STEP;
  let after = STEP;

  async function load() {
    let answer;
    try {
      answer = await getJson(url('/api/v1/context', { lane, offset, before, after }));
    } catch (e) {
      replace(el, h('p', { class: 'muted' }, `No context: ${e.message}`));
      return;
    }
    const line = (hit, anchor) => h('li', { class: anchor ? 'anchor' : '', 'aria-current': anchor ? 'true' : null, dataset: { offset: hit.offset } },
      h('span', { class: 'ts' }, format(hit.ts)), ' ', h('span', { class: 'msg' }, controlText(hit.message ?? '', false)));
    replace(el,
      h('p', { class: 'muted' }, `Same ${answer.shared.field} ${answer.shared.value}, by time`),
      h('button', { type: 'button', class: 'more-before', disabled: answer.before.length < before,
        onclick: () => { before += STEP; load(); } }, 'Load more before'),
      h('ol', { class: 'context-lines' }, answer.before.map((x) => line(x, false)), line(answer.hit, true), answer.after.map((x) => line(x, false))),
      h('button', { type: 'button', class: 'more-after', disabled: answer.after.length < after,
        onclick: () => { after += STEP; load(); } }, 'Load more after'));
  }

  load();
  return el;
}
