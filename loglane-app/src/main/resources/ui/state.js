/**
 * View state in the URL: every page keeps its parameters in location.search, so reload, back and
 * forward and a shared link reproduce the view. Pages read with readState and write with
 * writeState; the router calls a page back on back/forward (popstate).
 */

/** The values of the given keys from the URL, each falling back to its default. */
export function readState(defaults) {
  const params = new URLSearchParams(location.search);
  const out = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    out[key] = params.has(key) ? params.get(key) : fallback;
  }
  return out;
}

/**
 * Writes values into the URL (null or '' removes the key). push adds a history entry (a new view
 * the user may want to go back from, like running a query); otherwise the entry is replaced.
 */
export function writeState(values, { push = false } = {}) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(values)) {
    if (value == null || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const url = hrefOf(location.pathname, params);
  if (url === location.pathname + location.search) return;
  history[push ? 'pushState' : 'replaceState'](null, '', url);
}

/** A URL of this UI: path plus the given parameters (an object or URLSearchParams). */
export function hrefOf(path, params = {}) {
  const qs = new URLSearchParams(params).toString();
  return qs ? `${path}?${qs}` : path;
}
