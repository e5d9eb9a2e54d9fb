/**
 * Live tail over Server-Sent Events (GET /api/v1/tail?lane=&q=): the server runs the filter pattern
 * and sends each matching record as a "message" event whose id is its stream position, so the
 * browser's own reconnect (Last-Event-ID) resumes with no gap and no duplicate. "missed" events say
 * how many records the client did not get (too slow, or removed by retention) and are counted,
 * never hidden; "tail_error" ends the stream.
 *
 * follow(lane, pattern, handlers) → {close()}; handlers: onHit({id, offset, ts, tag, message, record}),
 * onMissed({count, reason}), onState('connecting'|'live'|'reconnecting'), onError(message).
 */
export function follow(lane, pattern, { onHit, onMissed, onState, onError }) {
  const params = new URLSearchParams({ lane });
  if (pattern) params.set('q', pattern);
  const source = new EventSource(`/api/v1/tail?${params}`);
  let opened = false;
  onState('connecting');
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('message', (e) => {
    const r = JSON.parse(e.data);
    // keyed like a search's index hit (o<offset>), so a tailed line and the same line found by a search are one hit
    onHit({ id: `o${r.offset}`, offset: r.offset, ts: r.ts, tag: r.tag, message: r.message, record: r });
  });
  source.addEventListener('missed', (e) => {
    const m = JSON.parse(e.data);
    onMissed({ count: m.count, reason: m.reason });
  });
  source.addEventListener('tail_error', (e) => {
    source.close();
    onError(JSON.parse(e.data).error);
  });
  source.addEventListener('open', () => { opened = true; });
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
