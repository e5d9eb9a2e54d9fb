package io.loglane.stores.archive;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.audit.AuditChain;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.RecordParser;
import io.loglane.stores.duckdb.SpillDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBFunctions;

/**
 * Checks an {@code audit_chain} lane's archive from its Parquet files alone (FORMAT.md, "Verifying"):
 * it reads the live files ({@link ArchiveLayout#liveFiles}) in offset order and finds the first row
 * that was altered, removed, reordered or inserted.
 *
 * <ol>
 *   <li><b>The chain</b>: each row's {@code _chain_hash} must be the {@link AuditChain} hash of its
 *       {@code _chain_prev}, {@code _offset}, {@code received_at}, {@code tag} and {@code _record};
 *       each row's {@code _chain_prev} must be the previous row's {@code _chain_hash}; no offset twice.</li>
 *   <li><b>The columns</b>: every other column must be what the archive derives from {@code _record}
 *       (the same {@link RowEncoder} and SQL as the writer), so a changed {@code message} whose
 *       {@code _record} was left alone is caught too.</li>
 *   <li><b>The head</b>: the archive must still reach {@code _audit/<lane>.head} ({@link AuditHeads})
 *       with the same hash, so removing the newest files is caught; and an outside {@code anchor}
 *       (a head exported earlier) must be in the chain with its hash.</li>
 * </ol>
 * Rows written before the lane had {@code audit_chain} (no chain hash) are counted and allowed only
 * before the chain's first row.
 *
 * <p>Thread-safety: not thread-safe; one verification at a time per instance.
 */
public final class AuditVerifier {
    /** The outcome of a verification. */
    public sealed interface Report permits Intact, Tampered, NotChained {}

    /**
     * No problem found.
     *
     * @param rows      chained rows checked
     * @param first     offset of the first checked row (-1 when none)
     * @param head      the last checked row (null when none)
     * @param unchained rows before the chain began (written before {@code audit_chain})
     * @param anchored  whether the chain's first row chains from the genesis (false: its predecessor
     *                  is no longer archived, by retention, or lies before {@code from})
     */
    public record Intact(long rows, long first, ChainHead head, long unchained, boolean anchored) implements Report {}

    /** The first problem, in offset order: the row's offset, the file holding it (a key), and what is wrong. */
    public record Tampered(long offset, String file, String problem) implements Report {}

    /** The lane's files carry no chain columns: it was not archived with {@code audit_chain}. */
    public record NotChained(String reason) implements Report {}

    /** An offset range to check (inclusive; null for open), or an exported head that must be in the chain. */
    public record Range(Long from, Long to, ChainHead anchor) {
        public static final Range ALL = new Range(null, null, null);
    }

    private final ArchiveStorage storage;
    private final String lane;
    private final RecordParser parser;
    private final AuditChain chain = new AuditChain();

    /** @param parserOrNull the lane's parser (its fields are typed columns), as the archive was written with */
    public AuditVerifier(ArchiveStorage storage, String lane, RecordParser parserOrNull) {
        ArchiveLayout.checkLane(lane);
        this.storage = storage;
        this.lane = lane;
        this.parser = parserOrNull;
    }

    public Report verify(Range range) throws IOException, SQLException {
        ChainHead archived;
        try {
            archived = AuditHeads.read(storage, lane);
        } catch (IOException e) {
            return new Tampered(-1, AuditHeads.key(lane), "the archived head is damaged: " + e.getMessage());
        }
        List<String> keys = ArchiveLayout.liveFiles(storage, lane);
        if (keys.isEmpty()) {
            if (archived != null) {
                return new Tampered(archived.offset(), "-", "the archive holds no file of lane " + lane + " but its head "
                        + AuditHeads.key(lane) + " names offset " + archived.offset() + ": every file was removed");
            }
            return new Intact(0, -1, null, 0, true);
        }
        // the walk's own directory (DuckDB's spill, its temp files), deleted with all in it when the walk ends
        try (SpillDirectory workDir = SpillDirectory.create(Path.of(System.getProperty("java.io.tmpdir")), "loglaneaudit");
                Connection conn = EmbeddedDuckDb.open()) {
            Path work = workDir.path();
            try (Statement s = conn.createStatement()) {
                s.execute("SET temp_directory=" + literal(work.resolve("duckdb").toString()));
            }
            String files = "read_parquet(" + keys.stream().map(k -> literal(storage.location(k)))
                    .collect(Collectors.joining(", ", "[", "]")) + ", filename=true, union_by_name=true, hive_partitioning=false)";
            if (!hasChainColumns(conn, files)) {
                return new NotChained("the files of lane " + lane + " have no chain columns (_offset, _chain_hash):"
                        + " it was not archived with lanes." + lane + ".audit_chain: true");
            }
            return new Walk(conn, files, work, range, archived).run();
        }
    }

    private static boolean hasChainColumns(Connection conn, String files) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + files)) {
            int found = 0;
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.equals("_offset") || name.equals("_chain_hash")) {
                    found++;
                }
            }
            return found == 2;
        }
    }

    /** One verification's walk over the rows in offset order. */
    private final class Walk {
        private final Connection conn;
        private final String files;
        private final Path work;
        private final Range range;
        private final ChainHead archived;
        private final String root;
        private final List<FieldDef> typed = new ArrayList<>();

        Walk(Connection conn, String files, Path work, Range range, ChainHead archived) {
            this.conn = conn;
            this.files = files;
            this.work = work;
            this.range = range;
            this.archived = archived;
            String r = storage.location("");
            this.root = r.endsWith("/") ? r : r + "/";
            typed.addAll(parser == null ? List.of() : ArchiveSchema.typedFields(parser.fields()));
            typed.add(ChainColumns.FIELDS.get(0)); // _offset: the key the derived rows are joined on
        }

        Report run() throws IOException, SQLException {
            Path staged = work.resolve("expected.rows");
            RowEncoder encoder = new RowEncoder(parser);
            long[] currentOffset = new long[1];
            RowEncoder.TrailingColumns offsetColumn = out -> {
                out.putPresent(true);
                out.putLong(currentOffset[0]);
            };
            String where = where();
            Tampered chainProblem = null;
            long rows = 0;
            long unchained = 0;
            long first = -1;
            long unchainedMaxFirst = -1;
            String unchainedFile = null;
            byte[] prevHash = null;
            long prevOffset = -1;
            String prevFile = null;
            boolean anchored = true;
            boolean sawHead = false;
            boolean sawAnchor = false;
            ChainHead last = null;
            try (StagedRowWriter out = new StagedRowWriter(Files.newOutputStream(staged));
                    Statement s = conn.createStatement();
                    ResultSet rs = s.executeQuery("SELECT _offset, _chain_prev, _chain_hash, _record, tag, epoch_us(received_at), filename"
                            + " FROM " + files + where + " ORDER BY _offset NULLS FIRST, filename")) {
                while (rs.next()) {
                    long offset = rs.getLong(1);
                    boolean noOffset = rs.wasNull();
                    String hashHex = rs.getString(3);
                    String file = key(rs.getString(7));
                    if (noOffset || hashHex == null) {
                        if (prevHash != null) {
                            chainProblem = new Tampered(offset, file, "a row without a chain hash inside the chain"
                                    + " (after offset " + prevOffset + "): inserted");
                            break;
                        }
                        unchained++;
                        ArchiveFile f = ArchiveLayout.parseFile(file);
                        if (f != null && f.firstOffset() > unchainedMaxFirst) {
                            unchainedMaxFirst = f.firstOffset();
                            unchainedFile = file;
                        }
                        continue;
                    }
                    String prevHex = rs.getString(2);
                    String recordB64 = rs.getString(4);
                    String tag = rs.getString(5);
                    long receivedMicros = rs.getLong(6);
                    if (prevHex == null || recordB64 == null || tag == null || rs.wasNull()) {
                        chainProblem = new Tampered(offset, file, "chain columns or tag/received_at are NULL: altered");
                        break;
                    }
                    if (offset == prevOffset) {
                        chainProblem = new Tampered(offset, file, "a second row with offset " + offset + " (the other in "
                                + prevFile + "): inserted or duplicated");
                        break;
                    }
                    byte[] prev;
                    byte[] stored;
                    byte[] record;
                    try {
                        prev = HexFormat.of().parseHex(prevHex);
                        stored = HexFormat.of().parseHex(hashHex);
                        record = Base64.getDecoder().decode(recordB64);
                    } catch (IllegalArgumentException e) {
                        chainProblem = new Tampered(offset, file, "chain columns do not decode (" + e.getMessage() + "): altered");
                        break;
                    }
                    if (prev.length != AuditChain.HASH_BYTES || stored.length != AuditChain.HASH_BYTES) {
                        chainProblem = new Tampered(offset, file, "a chain hash is not 32 bytes: altered");
                        break;
                    }
                    byte[] computed = chain.next(prev, offset, receivedMicros, tag, record);
                    if (!Arrays.equals(computed, stored)) {
                        chainProblem = new Tampered(offset, file, "altered: the row's record, tag, received_at or offset"
                                + " does not match its chain hash (moved rows show here too)");
                        break;
                    }
                    if (prevHash == null) {
                        anchored = AuditChain.isGenesis(prev);
                        first = offset;
                        if (unchainedFile != null && unchainedMaxFirst > offset) {
                            chainProblem = new Tampered(unchainedMaxFirst, unchainedFile,
                                    "a file of rows without chain hashes lies inside the chain: inserted");
                            break;
                        }
                    } else if (!Arrays.equals(prev, prevHash)) {
                        chainProblem = new Tampered(offset, file, "the chain breaks before this row: its _chain_prev is not the"
                                + " hash of the previous archived row (offset " + prevOffset + ", " + prevFile + "): rows between"
                                + " them were removed, or this row was inserted or moved here");
                        break;
                    }
                    if (archived != null && offset == archived.offset()) {
                        sawHead = true;
                        if (!Arrays.equals(stored, archived.hash())) {
                            chainProblem = new Tampered(offset, file, "the row's hash differs from the archived head "
                                    + AuditHeads.key(lane) + " (" + archived.hashHex() + "): the chain was rewritten");
                            break;
                        }
                    }
                    if (range.anchor() != null && offset == range.anchor().offset()) {
                        sawAnchor = true;
                        if (!Arrays.equals(stored, range.anchor().hash())) {
                            chainProblem = new Tampered(offset, file, "the row's hash differs from the anchor "
                                    + range.anchor().hashHex() + ": the chain was rewritten");
                            break;
                        }
                    }
                    if (stage(encoder, record, tag, receivedMicros, offsetColumn, currentOffset, offset, out) != null) {
                        chainProblem = new Tampered(offset, file, "_record does not decode as a stored record: altered");
                        break;
                    }
                    prevHash = stored;
                    prevOffset = offset;
                    prevFile = file;
                    last = new ChainHead(offset, stored, receivedMicros);
                    rows++;
                }
            }
            Tampered columns = derivedColumns(staged, chainProblem == null ? Long.MAX_VALUE : chainProblem.offset(), where);
            if (columns != null) {
                return columns;
            }
            if (chainProblem != null) {
                return chainProblem;
            }
            boolean openEnd = range.to() == null;
            if (openEnd && archived != null && !sawHead && archived.offset() >= Math.max(first, range.from() == null ? 0 : range.from())) {
                return new Tampered(archived.offset(), "-", "the archive ends at offset " + prevOffset + " but its head "
                        + AuditHeads.key(lane) + " names offset " + archived.offset() + ": the newest rows or files were removed");
            }
            if (range.anchor() != null && !sawAnchor && inRange(range.anchor().offset())) {
                return new Tampered(range.anchor().offset(), "-", "the anchor's row (offset " + range.anchor().offset()
                        + ") is not in the archive: removed");
            }
            return new Intact(rows, first, last, unchained, anchored);
        }

        private boolean inRange(long offset) {
            return (range.from() == null || offset >= range.from()) && (range.to() == null || offset <= range.to());
        }

        private String where() {
            List<String> c = new ArrayList<>();
            if (range.from() != null) {
                c.add("(_offset IS NULL OR _offset >= " + range.from() + ")");
            }
            if (range.to() != null) {
                c.add("(_offset IS NULL OR _offset <= " + range.to() + ")");
            }
            return c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c);
        }

        /** Stages the row the archive derives from {@code record}; returns a reason when it does not decode. */
        private String stage(RowEncoder encoder, byte[] record, String tag, long receivedMicros, RowEncoder.TrailingColumns offsetColumn,
                long[] currentOffset, long offset, StagedRowWriter out) throws IOException {
            RecordCursor c = new RecordCursor(record, 0, record.length);
            try {
                if (!c.next() || c.encodedLength() != record.length) {
                    return "not exactly one record";
                }
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            String bad = encoder.validate(c);
            if (bad != null) {
                return bad;
            }
            currentOffset[0] = offset;
            encoder.encode(c, tag.getBytes(StandardCharsets.UTF_8), receivedMicros, offsetColumn, out);
            return null;
        }

        /**
         * The first row (below {@code before}) one of whose columns differs from what the archive
         * derives from its {@code _record}: the writer's own table function and SELECT, joined on offset.
         */
        private Tampered derivedColumns(Path staged, long before, String where) throws SQLException {
            StagedRows function = new StagedRows(typed);
            function.source(staged);
            DuckDBFunctions.tableFunction().withName(StagedRows.FUNCTION).withFunction(function).register(conn);
            List<String> columns = new ArrayList<>();
            for (ArchiveSchema.Column col : ArchiveSchema.columns(parser == null ? List.of() : parser.fields())) {
                columns.add(col.name());
            }
            StringBuilder which = new StringBuilder("CASE");
            for (String col : columns) {
                which.append(" WHEN e.").append(ident(col)).append(" IS DISTINCT FROM p.").append(ident(col))
                        .append(" THEN ").append(literal(col));
            }
            which.append(" END");
            String sql = "WITH e AS (" + StagedRows.select(lane, typed) + "), p AS (SELECT * FROM " + files + where + ")"
                    + " SELECT p._offset, p.filename, " + which + " AS col FROM p JOIN e ON p._offset = e._offset"
                    + " WHERE col IS NOT NULL AND p._offset < " + before + " ORDER BY p._offset LIMIT 1";
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                if (rs.next()) {
                    return new Tampered(rs.getLong(1), key(rs.getString(2)), "altered: column " + rs.getString(3)
                            + " differs from what its _record holds");
                }
                return null;
            } finally {
                try {
                    function.closeSource();
                } catch (IOException e) {
                    // a temp file of this run: deleted with the work directory
                }
            }
        }

        /** The storage key of a file DuckDB names by its location. */
        private String key(String location) {
            return location != null && location.startsWith(root) ? location.substring(root.length()) : location;
        }
    }
}
