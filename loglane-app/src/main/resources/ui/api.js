/**
 * The HTTP API as the pages call it. A non-2xx answer throws ApiError carrying the server's own
 * message ({"error": …}), which the pages show as is.
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

async function call(path, init) {
  let response;
  try {
    response = await fetch(path, init);
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
  if (!response.ok) {
    const message = body && typeof body.error === 'string' ? body.error : text || response.statusText;
    throw new ApiError(response.status, `${response.status}: ${message}`, body);
  }
  return body;
}
