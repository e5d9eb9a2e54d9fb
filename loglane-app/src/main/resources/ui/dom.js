/**
 * Builds DOM nodes. Strings and numbers become text nodes and attribute values, never markup: log
 * text shown through this module cannot turn into elements or scripts. No markup setter anywhere in
 * the UI (no HTML parsing at all); the Content-Security-Policy forbids inline script as a second wall.
 *
 *   h('td', {class: 'num', title: 'events'}, 42)
 *   h('button', {type: 'button', onclick: run}, 'Run')
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) {
      // handlers are functions only: a string would be an inline handler, which the policy blocks anyway
      if (typeof value !== 'function') throw new TypeError(`${key} must be a function`);
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (nodes, strings, numbers, arrays of them; null skipped) as nodes and text. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces all children of {@code el}. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * Makes {@code el} look like {@code next} by changing only what differs (text, attributes, extra
 * or missing children), so focus, selection and hover inside the unchanged parts survive a
 * periodic redraw. Elements of {@code next} that are adopted keep their listeners; listeners of
 * {@code next}'s elements that match existing ones are not carried over, so redrawn views handle
 * events by delegation (as the shell does for links).
 */
export function morph(el, next) {
  if (el.nodeType !== next.nodeType || el.nodeName !== next.nodeName) {
    el.replaceWith(next);
    return;
  }
  if (el.nodeType !== Node.ELEMENT_NODE) {
    if (el.nodeValue !== next.nodeValue) el.nodeValue = next.nodeValue;
    return;
  }
  for (const { name } of [...el.attributes]) {
    if (!next.hasAttribute(name)) el.removeAttribute(name);
  }
  for (const { name, value } of next.attributes) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  const have = [...el.childNodes];
  const want = [...next.childNodes];
  want.forEach((child, i) => (i < have.length ? morph(have[i], child) : el.append(child)));
  have.slice(want.length).forEach((child) => child.remove());
}

/** Control characters: C0 (but tab), DEL, C1, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED = { 0x00: '\\0', 0x1b: '\\e', 0x0d: '\\r', 0x0a: '\\n', 0x08: '\\b' };

/**
 * Log text as nodes to draw, with each control character shown as a marked escape (ESC as \e, NUL \0,
 * CR \r, others \xNN, bidi controls \u202E; a line feed too when oneLine, else it stays a line break),
 * the way ./loglane search prints it: a line cannot hide or reorder text, or look shorter than it is.
 * The escapes are spans of class "ctl" (styled apart, so a literal backslash in the log is not taken
 * for one). Display only: the JSON view keeps the original.
 */
export function controlText(text, oneLine) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(CONTROL)) {
    const code = m[0].charCodeAt(0);
    if (code === 0x0a && !oneLine) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    const shown = NAMED[code] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase()}`);
    out.push(h('span', { class: 'ctl', title: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` }, shown));
    last = m.index + m[0].length;
  }
  if (last === 0) return text;
  if (last < text.length) out.push(text.slice(last));
  return out;
}
