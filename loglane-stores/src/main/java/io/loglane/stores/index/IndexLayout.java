package io.loglane.stores.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a lane's day indices live: {@code <root>/<lane>/<yyyy-MM-dd>/}, one Lucene index per lane
 * and UTC day of event time (FORMAT.md). The one place that names these directories.
 *
 * <p>Thread-safety: immutable.
 */
public record IndexLayout(Path root) {
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    /** The directory of {@code lane}'s indices. */
    public Path laneDir(String lane) { return root.resolve(lane); }

    /** The index of {@code lane} for {@code day}. */
    public Path dayDir(String lane, LocalDate day) { return laneDir(lane).resolve(day.toString()); }

    /** The UTC epoch day an event at {@code tsNanos} (epoch nanoseconds) belongs to. */
    public static long epochDay(long tsNanos) { return Math.floorDiv(tsNanos, NANOS_PER_DAY); }

    /** The day indices {@code lane} has, oldest first; directories not named as a date are not ours and are left alone. */
    public List<LocalDate> days(String lane) {
        Path dir = laneDir(lane);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<LocalDate> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.isDirectory(p)) {
                        out.add(LocalDate.parse(p.getFileName().toString()));
                    }
                } catch (DateTimeParseException notADay) {
                    // not a day index
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Bytes under one day's index directory. */
    public long sizeOf(String lane, LocalDate day) throws IOException {
        try (Stream<Path> s = Files.walk(dayDir(lane, day))) {
            long total = 0;
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
    }
}
