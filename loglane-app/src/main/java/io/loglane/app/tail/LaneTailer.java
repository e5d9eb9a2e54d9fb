package io.loglane.app.tail;

import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.RecordParser;
import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import io.loglane.stream.LaneStream;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import java.io.IOException;
import java.time.Duration;

/**
 * Reads one lane for one live tail: a plain {@link StreamReader} from a start offset (no consumer
 * checkpoint is registered, so a tail never holds back retention), every record read through
 * {@link RecordView} and tested with the tail's filter, each match rendered ({@link RecordJson})
 * and offered to the client's {@link TailBuffer}. Nothing is sampled: every record is tested, and
 * a match the buffer cannot take is counted there as missed. Records retention removed before the
 * reader got to them are reported as missed too.
 *
 * <p>Thread-safety: runs on its own thread until the buffer is closed (never interrupt it: the
 * reader shares the segment's FileChannel, which an interrupt during a read would close).
 */
final class LaneTailer implements Runnable {
    static final String RETENTION = "retention";
    private static final Duration POLL_WAIT = Duration.ofSeconds(1);

    private final int index;
    private final LaneStream lane;
    private final long start;
    private final TailBuffer buffer;
    private final RecordView view;
    private final FilterMatcher matcher;
    private final RecordJson json;

    LaneTailer(int index, LaneStream lane, RecordParser parser, FilterPattern pattern, long start, TailBuffer buffer) {
        this.index = index;
        this.lane = lane;
        this.start = start;
        this.buffer = buffer;
        this.view = new RecordView(parser);
        this.matcher = pattern.matcher();
        this.json = new RecordJson(lane.lane(), view);
    }

    @Override
    public void run() {
        try (StreamReader reader = lane.reader(start)) {
            long position = start;
            long skipped = 0;
            if (reader.position() > start) { // the start is older than what the lane still holds
                retentionMissed(reader.position() - start, start, reader.position() - 1);
                position = reader.position();
            }
            while (!buffer.closed()) {
                StoredBatch batch = reader.poll(POLL_WAIT);
                if (reader.skipped() > skipped) {
                    long resumed = batch != null ? batch.baseOffset() : reader.position();
                    retentionMissed(reader.skipped() - skipped, position, resumed - 1);
                    skipped = reader.skipped();
                    position = Math.max(position, resumed);
                }
                if (batch != null) {
                    test(batch, position);
                    position = batch.nextOffset();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the process is stopping
        } catch (IOException | RuntimeException e) {
            buffer.notice(new TailItem.Failed(index, lane.lane() + ": " + e.getMessage()));
        }
    }

    /** Tests the batch's records from {@code from} on (a reader may return a batch it is positioned inside). */
    private void test(StoredBatch batch, long from) throws IOException {
        RecordCursor c = new RecordCursor(batch.records().array(), batch.records().offset(), batch.records().length());
        for (long offset = batch.baseOffset(); c.next(); offset++) {
            if (offset < from) {
                continue;
            }
            view.read(c.array(), c.recordOffset(), c.recordLength());
            if (matcher.matches(view)) {
                buffer.offer(new TailItem.Event(index, offset, json.render(view, offset, c.tsNanos(), batch.tag())));
            }
        }
    }

    private void retentionMissed(long count, long first, long last) {
        buffer.notice(new TailItem.Missed(index, RETENTION, count, first, last));
    }
}
