package io.loglane.stream.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A lane's segments ordered by base offset.
 *
 * <p>Thread-safety: safe for concurrent use (a concurrent skip-list map); structural changes
 * (add on roll, remove on retention) are made under the lane's append lock, lookups are lock-free.
 */
public final class Segments {
    private final ConcurrentSkipListMap<Long, Segment> map = new ConcurrentSkipListMap<>();

    public void add(Segment s) { map.put(s.baseOffset(), s); }

    public void remove(Segment s) { map.remove(s.baseOffset(), s); }

    /** The segment that holds {@code offset}, or null when the offset is below the first segment. */
    public Segment floor(long offset) {
        Map.Entry<Long, Segment> e = map.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    /** The segment after {@code s}, or null. */
    public Segment next(Segment s) {
        Map.Entry<Long, Segment> e = map.higherEntry(s.baseOffset());
        return e == null ? null : e.getValue();
    }

    public Segment first() {
        Map.Entry<Long, Segment> e = map.firstEntry();
        return e == null ? null : e.getValue();
    }

    public Segment last() {
        Map.Entry<Long, Segment> e = map.lastEntry();
        return e == null ? null : e.getValue();
    }

    public int count() { return map.size(); }

    /** A snapshot, oldest first. */
    public List<Segment> all() { return new ArrayList<>(map.values()); }

    /** Sum of segment sizes. */
    public long totalBytes() {
        long n = 0;
        for (Segment s : map.values()) {
            n += s.size();
        }
        return n;
    }
}
