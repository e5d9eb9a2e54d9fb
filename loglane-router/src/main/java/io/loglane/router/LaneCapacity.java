package io.loglane.router;

import io.loglane.stream.LaneStream;
import java.util.Map;

/**
 * Up-front estimate of whether a disk/sync lane would refuse an append for lack of room, so the
 * router can refuse a whole request before storing any part of it.
 *
 * <p>The stream refuses when the data some consumer has not committed reaches
 * {@code maxLaneBytes}. The stream interface exposes sizes in bytes but checkpoints in offsets,
 * so undelivered bytes are estimated as {@code sizeBytes × (end − lowestCommitted) / (end − start)}
 * (records of similar size). The exact check stays with the stream; this one only has to agree in
 * the common case. A lane holding less than the limit in total is never full, whatever its
 * checkpoints, so the checkpoint map is read only for lanes near their limit.
 *
 * <p>Thread-safety: stateless.
 */
final class LaneCapacity {
    private LaneCapacity() {}

    static boolean wouldOverflow(LaneStream lane, long maxLaneBytes, long incomingBytes) {
        long size = lane.sizeBytes();
        if (size + incomingBytes <= maxLaneBytes) {
            return false;
        }
        Map<String, Long> committed = lane.checkpoints().all();
        long start = lane.startOffset();
        long end = lane.endOffset();
        if (committed.isEmpty() || end <= start) {
            return false; // no consumer holds data back: the stream decides
        }
        long lowest = end;
        for (long c : committed.values()) {
            lowest = Math.min(lowest, Math.max(start, c));
        }
        double undeliveredShare = (end - lowest) / (double) (end - start);
        return (long) (size * undeliveredShare) + incomingBytes > maxLaneBytes;
    }
}
