package io.loglane.bench.faults;

import io.loglane.stream.local.LaneInspector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The batches of a lane directory as {@link LaneInspector#dump} prints them, parsed into values so
 * a test knows, before it damages a segment, exactly which byte ranges and offsets each batch holds.
 *
 * <p>Thread-safety: stateless.
 */
public final class LaneBatches {
    private static final Pattern LINE = Pattern.compile(
            "^(\\S+\\.log) pos=(\\d+) offsets=(\\d+)\\.\\.(\\d+) count=(\\d+) .* bytes=(\\d+) codec=\\S+ crc=(\\S+)$");

    /** One batch: segment file name, byte position, offsets {@code [base, base + count)}, length in bytes, CRC verdict. */
    public record Batch(String file, long position, long baseOffset, int count, int bytes, boolean crcOk) {
        public long nextOffset() { return baseOffset + count; }

        public long end() { return position + bytes; }
    }

    private LaneBatches() {}

    /** Every batch of every segment, in offset order; fails if the dump reports any damage. */
    public static List<Batch> read(Path laneDir) throws IOException {
        return read(laneDir, false);
    }

    /**
     * Every intact batch, in offset order, leaving out what the dump reports as damaged (a torn
     * tail after a kill -9, for one).
     */
    public static List<Batch> readIntact(Path laneDir) throws IOException {
        return read(laneDir, true);
    }

    private static List<Batch> read(Path laneDir, boolean skipDamage) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            LaneInspector.dump(laneDir, 0, Integer.MAX_VALUE, ps);
        }
        List<Batch> batches = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches() || (skipDamage && !m.group(7).equals("ok"))) {
                if (skipDamage) {
                    continue;
                }
                throw new IOException("unexpected dump line (damage before the test damaged anything?): " + line);
            }
            batches.add(new Batch(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), m.group(7).equals("ok")));
        }
        return batches;
    }
}
