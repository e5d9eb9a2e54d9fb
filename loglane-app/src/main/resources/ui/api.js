/**
 * The HTTP API as the pages call it. A non-2xx answer throws ApiError carrying the server's own
 * message ({"error": …}), which the pages show as is.
 *
 * API tokens: when the server answers 401 (server.auth.tokens is set), the user is asked for a
 * token once; it is kept in sessionStorage (this tab only, gone when it closes) and sent as
 * `Authorization: Bearer …` on every call, then the call is repeated. Without tokens on the server
 * no header is sent and nothing is asked.
 */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function getJson(path, { signal } = {}) {
  return call(path, { signal, headers: { Accept: 'application/json' } });
}

export function postJson(path, body, { signal } = {}) {
  return call(path, {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body == null ? '' : JSON.stringify(body),
  });
}

const TOKEN_KEY = 'loglane.token';

/** The token this tab uses, or null. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Headers plus the token's Authorization header, if there is a token. */
export function withToken(headers) {
  const t = token();
  return t ? { ...headers, Authorization: `Bearer ${t}` } : headers;
}

/**
 * After a 401 to a request sent with `used` (the token then, or null): true when there is a token
 * to retry with, because another call was given one meanwhile or the user types one now.
 */
export function tokenAfter401(used, message) {
  if (token() && token() !== used) return true;
  const typed = prompt(`${message}\n\nAPI token (kept in this tab only):`);
  if (!typed || !typed.trim()) return false;
  sessionStorage.setItem(TOKEN_KEY, typed.trim());
  return true;
}

async function call(path, init, retried = false) {
  let response;
  const used = token();
  try {
    response = await fetch(path, { ...init, headers: withToken(init.headers) });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `cannot reach the loglane server (${e.message}); is it running?`, null);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text for the message
  }
  if (response.status === 401 && !retried && tokenAfter401(used, body && body.error ? body.error : 'This server needs an API token.')) {
    return call(path, init, true);
  }
  if (!response.ok) {
    const message = body && typeof body.error === 'string' ? body.error : text || response.statusText;
    throw new ApiError(response.status, `${response.status}: ${message}`, body);
  }
  return body;
}
