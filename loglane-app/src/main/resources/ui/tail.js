/**
 * Live tail over Server-Sent Events (GET /api/v1/tail?lane=&q=): the server runs the filter pattern
 * and sends each matching record as a "message" event whose id is its stream position, so a
 * reconnect with Last-Event-ID resumes with no gap and no duplicate. "missed" events say how many
 * records the client did not get (too slow, or removed by retention) and are counted, never
 * hidden; "tail_error" ends the stream.
 *
 * Without an API token the browser's EventSource carries the stream (and its own reconnect). With
 * one, EventSource cannot send an Authorization header, and a token in the query string would land
 * in access logs, proxies and the browser history; so the stream is read with fetch() and parsed
 * here, reconnecting with Last-Event-ID like EventSource does. The cost is this small parser.
 *
 * follow(lane, pattern, handlers) → {close()}; handlers: onHit({id, offset, ts, tag, message, record}),
 * onMissed({count, reason}), onState('connecting'|'live'|'reconnecting'), onError(message).
 */
import { token, tokenAfter401, withToken } from './api.js';

const RETRY_MS = 3000;

export function follow(lane, pattern, handlers) {
  const params = new URLSearchParams({ lane });
  if (pattern) params.set('q', pattern);
  const url = `/api/v1/tail?${params}`;
  return token() ? followWithFetch(url, handlers) : followWithEventSource(url, handlers);
}

/** Hands one event to the handlers; true when it ends the tail. */
function dispatch(type, data, { onHit, onMissed, onError }) {
  if (type === 'message') {
    const r = JSON.parse(data);
    // keyed like a search's index hit (o<offset>), so a tailed line and the same line found by a search are one hit
    onHit({ id: `o${r.offset}`, offset: r.offset, ts: r.ts, tag: r.tag, message: r.message, record: r });
  } else if (type === 'missed') {
    const m = JSON.parse(data);
    onMissed({ count: m.count, reason: m.reason });
  } else if (type === 'tail_error') {
    onError(JSON.parse(data).error);
    return true;
  }
  return false;
}

function followWithEventSource(url, handlers) {
  const { onState, onError } = handlers;
  const source = new EventSource(url);
  let opened = false;
  onState('connecting');
  source.addEventListener('open', () => { opened = true; onState('live'); });
  for (const type of ['message', 'missed', 'tail_error']) {
    source.addEventListener(type, (e) => { if (dispatch(type, e.data, handlers)) source.close(); });
  }
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // refused before it streamed (404 without the tail route, 400 for a bad pattern): EventSource does not retry
      onError(opened ? 'the server closed the live tail' : 'the server refused the live tail (is /api/v1/tail on this server? is the pattern a filter pattern?)');
    } else {
      onState('reconnecting');
    }
  };
  return { close: () => source.close() };
}

function followWithFetch(url, handlers) {
  const { onState, onError } = handlers;
  const abort = new AbortController();
  let closed = false;
  let lastId = null;
  const close = () => { closed = true; abort.abort(); };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function run() {
    let opened = false;
    while (!closed) {
      onState(opened ? 'reconnecting' : 'connecting');
      const used = token();
      let response;
      try {
        const headers = withToken({ Accept: 'text/event-stream' });
        if (lastId !== null) headers['Last-Event-ID'] = lastId;
        response = await fetch(url, { headers, signal: abort.signal });
      } catch {
        if (!closed) await sleep(RETRY_MS);
        continue;
      }
      if (response.status === 401 && tokenAfter401(used, 'The live tail needs an API token.')) continue;
      if (!response.ok) {
        onError(`the server refused the live tail (${response.status})`);
        return;
      }
      opened = true;
      onState('live');
      if (await read(response.body)) return;
      if (!closed) await sleep(RETRY_MS);
    }
  }

  /** Reads one response's events; true when the tail ended (tail_error or closed). */
  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return closed;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue; // heartbeat comment
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') type = text;
            else if (field === 'data') data.push(text);
            else if (field === 'id') lastId = text;
          }
          if (data.length > 0 && dispatch(type, data.join('\n'), handlers)) {
            close();
            return true;
          }
        }
      }
    } catch {
      return closed; // aborted by close(), or the connection dropped: reconnect
    }
  }

  run();
  return { close };
}
