package io.loglane.stores.archive;

import static io.loglane.stores.archive.ArchiveSchema.literal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How many rows of one lane's stream partition with offsets in {@code [from, to)} the archive holds
 * durably ({@link ArchiveSink#durablyStored}): the rows of the live committed files of that
 * partition whose whole range lies in {@code [from, to)}, counted from their Parquet footers.
 *
 * <p>Why rows and not the highest offset a file name declares: one flush writes one file per
 * event hour it touched, all with the same name, and a kill between two of those puts leaves the
 * range's rows of one hour stored and another's not. The names then claim the whole range; the
 * rows say what is there. Why it is exact: a committed file name appears only once its put (atomic
 * and durable) returned, so every row counted is durable; temporary files ({@code .….tmp}) are
 * never listed; a compaction's sources are left out while its merged file covers them (the
 * {@linkplain ArchiveLayout#liveFiles reading rule}), so no row counts twice; and rows hold
 * distinct offsets of their range (a redelivered range replaces the same object). A file reaching
 * below {@code from} (it straddles it) is left out whole: its rows' offsets are not known one by one,
 * so the count can only be low, never high. A file that does not read as Parquet (damaged) fails
 * the count: the caller then cannot tell.
 *
 * <p>Thread-safety: stateless; each call opens its own in-memory DuckDB.
 */
final class ArchiveHoldings {
    private ArchiveHoldings() {}

    /** The keys of the live files of {@code partition} of {@code lane} whose range lies in {@code [from, to)}. */
    static List<String> files(ArchiveStorage storage, String lane, int partition, long from, long to) throws IOException {
        List<String> out = new ArrayList<>();
        for (String key : ArchiveLayout.liveFiles(storage, lane)) {
            ArchiveFile f = ArchiveLayout.parseFile(key);
            if (f != null && f.partition() == partition && f.firstOffset() >= from && f.lastOffset() < to) {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * The rows of {@link #files}.
     *
     * @throws SQLException when a file does not read as Parquet
     */
    static long count(ArchiveStorage storage, String lane, int partition, long from, long to) throws IOException, SQLException {
        List<String> keys = files(storage, lane, partition, from, to);
        if (keys.isEmpty()) {
            return 0;
        }
        String list = keys.stream().map(k -> literal(storage.location(k))).collect(Collectors.joining(", ", "[", "]"));
        try (Connection conn = EmbeddedDuckDb.open(); Statement s = conn.createStatement()) {
            // count(*) is answered from each file's footer (its row groups' counts), not by reading rows
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + list + ", union_by_name=true, hive_partitioning=false)")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
