package io.loglane.stream.local;

import io.loglane.stream.Partitions;
import io.loglane.stream.io.AtomicFiles;
import io.loglane.stream.ConsumerCheckpoints;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Consumer checkpoints of a disk/sync lane, one {@link CheckpointFile} per consumer under
 * {@code <lane>/checkpoints/}. Registration writes a file too, so retention keeps a consumer's
 * data across a restart even before it commits anything. A corrupt file is reported (see
 * {@link #problems()}) and the consumer is treated as registered with nothing committed. A local
 * lane has one partition ({@link Partitions#SINGLE}): the files carry it (version 2), and version 1
 * files, written before partitions, are read as that partition's, so they need no migration.
 *
 * <p>A committed offset lies in {@code [startOffset, endOffset]}: commits past the end are refused,
 * and after a crash {@link LaneLoader} moves the lane's next offset up to the highest checkpoint
 * (offsets between the recovered end and it become a gap that readers skip).
 *
 * <p>Thread-safety: safe for concurrent use; writes are serialized, reads are lock-free.
 */
public final class LocalCheckpoints implements ConsumerCheckpoints {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path dir;
    private final LongSupplier startOffset;
    private final LongSupplier endOffset;
    /** Committed offsets; -1 = registered, nothing (valid) committed. */
    private final Map<String, Long> committed = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();

    public LocalCheckpoints(Path laneDir, LongSupplier startOffset, LongSupplier endOffset) {
        this.dir = laneDir.resolve(LaneFiles.CHECKPOINT_DIR);
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    /** Loads every checkpoint file; called once by the loader before the lane is used. */
    public synchronized void load() throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LaneFiles.CHECKPOINT_SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String consumer = name.substring(0, name.length() - LaneFiles.CHECKPOINT_SUFFIX.length());
                try {
                    committed.put(consumer, CheckpointFile.decode(f, consumer, Partitions.SINGLE));
                } catch (IOException e) {
                    problems.add(consumer + ": " + e.getMessage());
                    committed.put(consumer, -1L);
                }
            }
        }
    }

    /**
     * The offsets the checkpoint files hold, by consumer, without clamping; corrupt files left out.
     * Recovery raises the lane's next offset to the highest of them, so a checkpoint never lies
     * past the end of the lane and offsets a consumer may have delivered are never reused.
     */
    public Map<String, Long> loadedOffsets() {
        Map<String, Long> out = new TreeMap<>();
        committed.forEach((c, v) -> {
            if (v >= 0) {
                out.put(c, v);
            }
        });
        return out;
    }

    /** Corrupt checkpoints found by {@link #load()}. */
    public synchronized List<String> problems() { return List.copyOf(problems); }

    @Override
    public synchronized void register(String consumer) throws IOException {
        validate(consumer);
        if (!committed.containsKey(consumer)) {
            write(consumer, startOffset.getAsLong());
        }
    }

    @Override
    public long committed(String consumer) {
        Long v = committed.get(consumer);
        long start = startOffset.getAsLong();
        return v == null || v < start ? start : v;
    }

    @Override
    public synchronized void commit(String consumer, long offset) throws IOException {
        validate(consumer);
        long end = endOffset.getAsLong();
        if (offset < 0 || offset > end) {
            throw new IllegalArgumentException("checkpoint " + offset + " outside 0.." + end + " for " + consumer);
        }
        write(consumer, offset);
    }

    @Override
    public Map<String, Long> all() {
        Map<String, Long> out = new TreeMap<>();
        for (String c : committed.keySet()) {
            out.put(c, committed(c));
        }
        return out;
    }

    /** The lowest committed offset of any registered consumer, or empty when none is registered. */
    public OptionalLong lowest() {
        if (committed.isEmpty()) {
            return OptionalLong.empty();
        }
        long min = Long.MAX_VALUE;
        for (String c : committed.keySet()) {
            min = Math.min(min, committed(c));
        }
        return OptionalLong.of(min);
    }

    private void write(String consumer, long offset) throws IOException {
        AtomicFiles.writeAtomically(dir.resolve(consumer + LaneFiles.CHECKPOINT_SUFFIX), CheckpointFile.encode(consumer, Partitions.SINGLE, offset));
        committed.put(consumer, offset);
    }

    private static void validate(String consumer) {
        if (consumer == null || !NAME.matcher(consumer).matches()) {
            throw new IllegalArgumentException("consumer name must match " + NAME.pattern() + ": " + consumer);
        }
    }
}
