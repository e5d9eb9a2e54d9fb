package io.loglane.query;

import io.loglane.core.config.QuerySettings;
import io.loglane.core.lifecycle.Component;
import io.loglane.core.parse.FieldDef;
import io.loglane.stores.archive.ArchiveStorage;
import io.loglane.stores.archive.LocalArchiveStorage;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.loglane.stores.duckdb.SpillDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.duckdb.DuckDBConnection;

/**
 * Read-only SQL over the Parquet archive with an embedded, in-memory DuckDB: one view per lane
 * plus {@code logs} (see {@link LaneViews}).
 *
 * <h2>Exactly once</h2>
 * Before every query each lane's view is pointed at the lane's live files, listed anew through the
 * {@link ArchiveStorage} ({@link io.loglane.stores.archive.ArchiveLayout#liveFiles}): files another file of their
 * partition covers, as the sources of a compaction are once its merged file is renamed in, are
 * not read, so no row is counted twice. A query that fails because a listed file was deleted
 * meanwhile (compaction, retention) runs again on a new listing, up to five times in all.
 *
 * <h2>Spilling</h2>
 * A query that needs more than {@code memory_limit} spills to a directory of this engine's own,
 * {@code <spillRoot>/sql-<pid>-<random>} ({@link SpillDirectory}), made on {@link #start()} and
 * deleted with its contents on {@link #close()}; the caller passes {@code spillRoot}, the data
 * directory's {@code tmp}. Without it DuckDB would spill to {@code .tmp} in the working directory.
 * Leftovers of a killed process are the node's to remove ({@link SpillDirectory#removeOrphans}).
 *
 * <h2>Confinement</h2>
 * On {@link #start()} the database is locked down, in this order: {@code temp_directory} = the
 * spill directory, {@code allowed_directories} = the archive root, {@code enable_external_access=false}, no extension auto-install/auto-load,
 * {@code lock_configuration=true} (with {@code parquet_metadata_cache=true}, {@code memory_limit} =
 * {@link QuerySettings#memoryLimit()} and {@code async_threads=0} set just before it).
 * The lock forbids {@code SET}, not DDL: the engine itself replaces the views on the locked
 * database, while users cannot ({@link StatementGate}). Every statement also passes {@link StatementGate}: exactly one
 * read-only query; anything else is a {@link SqlRejectedException} with the reason, and DuckDB
 * permission errors (a path outside the archive) are reported the same way. DuckDB itself adds the
 * spill directory to {@code allowed_directories} when external access is turned off (its temp files
 * go through the same checked file system, and {@code temp_directory} cannot be set after), so
 * there the gate, which refuses every file-reading function and file-like table name, is the only
 * fence; the directory holds nothing but DuckDB's own temp blocks (before, the allowance covered
 * {@code .tmp} in whatever directory the process was started from).
 *
 * <h2>Limits</h2>
 * A query runs at most {@link QuerySettings#timeout()} (then it is cancelled through
 * {@link Statement#cancel()} and {@link SqlTimeoutException} is thrown) and returns at most
 * {@link QuerySettings#maxRows()} rows ({@link QueryResult#truncated()} says when more existed).
 * The archive directory need not exist yet: lanes are then empty views.
 *
 * <p>Thread-safety: {@link #execute} is safe for any number of concurrent callers; each query runs
 * on its own connection duplicated from the shared database.
 */
public final class SqlEngine implements Component {
    private final ArchiveStorage storage;
    private final QuerySettings settings;
    private final LaneViews views;
    private final StatementGate gate;
    private final Path spillRoot;
    private SpillDirectory spill;
    private DuckDBConnection db;
    private ScheduledExecutorService canceller;
    private volatile boolean started;

    private static final int VANISHED_FILE_ATTEMPTS = 5;

    /**
     * SQL over the archive in a local directory, listed on every query (another process may write it).
     *
     * @param spillRoot where this engine makes its spill directory: the data directory's {@code tmp}
     */
    public SqlEngine(Path archiveDir, Map<String, List<FieldDef>> laneFields, QuerySettings settings, Path spillRoot) {
        this(new LocalArchiveStorage(archiveDir), laneFields, settings, spillRoot);
    }

    /**
     * SQL over the archive in {@code storage}; give the node's {@link io.loglane.stores.archive.CachedArchiveStorage},
     * shared with the archive sinks, so that queries list from memory.
     *
     * @param spillRoot where this engine makes its spill directory: the data directory's {@code tmp}
     *                  (not derived from the archive's location, which need not be a local directory)
     */
    public SqlEngine(ArchiveStorage storage, Map<String, List<FieldDef>> laneFields, QuerySettings settings, Path spillRoot) {
        if (settings == null || settings.timeout() == null || settings.timeout().isNegative()
                || settings.timeout().isZero() || settings.maxRows() <= 0 || settings.memoryLimit() <= 0) {
            throw new IllegalArgumentException("bad query settings: " + settings);
        }
        this.spillRoot = Objects.requireNonNull(spillRoot, "spillRoot");
        this.storage = storage;
        this.settings = settings;
        this.views = new LaneViews(storage, Map.copyOf(laneFields));
        this.gate = new StatementGate(laneFields.keySet());
    }

    @Override
    public synchronized void start() throws SQLException, IOException {
        if (started) {
            return;
        }
        spill = SpillDirectory.create(spillRoot, "sql");
        try {
            open();
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                close(); // the database, then the spill directory: a failed start leaves nothing behind
            } catch (SQLException | IOException | RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        canceller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sql-timeout");
            t.setDaemon(true);
            return t;
        });
        started = true;
    }

    /** Opens and locks down the database, and creates the views. */
    private void open() throws SQLException, IOException {
        Properties props = new Properties();
        props.setProperty("jdbc_stream_results", "true"); // fetch lazily: a row limit must not materialize everything
        db = (DuckDBConnection) DuckDbDriver.connect(props);
        try (Statement s = db.createStatement()) {
            // First: DuckDB refuses to change it once external access is off.
            s.execute("SET temp_directory=" + io.loglane.stores.archive.ArchiveSchema.literal(spill.path().toString()));
            s.execute("SET allowed_directories=[" + io.loglane.stores.archive.ArchiveSchema.literal(storage.location("") + "/") + "]");
            s.execute("SET enable_external_access=false");
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            // Views are re-created whenever a lane's file list changes, and creating one reads the
            // footer of every file (union_by_name): cache footers. DuckDB reloads one whose file
            // changed after it was cached (mtime), as when a redelivered range replaces a file.
            s.execute("SET parquet_metadata_cache=true");
            // Bounded, not DuckDB's 80 % of RAM: the node's other parts need theirs (query.memory_limit's doc).
            s.execute("SET memory_limit='" + settings.memoryLimit() + "B'");
            // No asynchronous I/O pool (8 threads besides the workers): over local, page-cached Parquet
            // it measured no faster (README, Operations), and each of its threads costs a stack and a
            // malloc arena, as EmbeddedDuckDb says. The worker threads stay DuckDB's default (one per core).
            s.execute("SET async_threads=0");
            s.execute("SET lock_configuration=true");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                views.refresh(db);
                break;
            } catch (SQLException e) {
                if (attempt >= VANISHED_FILE_ATTEMPTS || !vanishedFile(e)) {
                    throw e;
                }
                views.stale();
            }
        }
    }

    /**
     * Runs one read-only statement.
     *
     * @throws SqlRejectedException  the statement is not allowed (reason in the message)
     * @throws SqlTimeoutException   it ran past the timeout and was cancelled
     * @throws SqlExecutionException DuckDB failed it (unknown column, bad cast, …)
     * @throws SqlStorageException   the archive's files could not be listed (I/O error)
     */
    public QueryResult execute(String sql) {
        if (!started) {
            throw new IllegalStateException("SQL engine not started");
        }
        for (int attempt = 1; ; attempt++) {
            QueryResult r = executeOnce(sql, attempt >= VANISHED_FILE_ATTEMPTS);
            if (r != null) {
                return r;
            }
        }
    }

    /**
     * Compaction and retention delete Parquet files while queries run: a file listed for the views
     * (see {@link LaneViews}) may be gone when DuckDB opens it, at view creation ("No files found
     * that match the pattern": each list entry is expanded like a glob) or while the query reads
     * ("No such file", "Cannot open file"). Every file removed that way has its rows in another,
     * already renamed file (or is past retention), so running the query again on a new listing
     * sees a consistent set. A failure while streaming the first rows is reported by the JDBC driver
     * without its cause ("Invalid result set"), so {@link #executeOnce} also retries any failure
     * after which a file of its listing is gone.
     */
    private static boolean vanishedFile(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No such file or directory") || m.contains("Cannot open file")
                || m.contains("No files found that match the pattern");
    }

    /** @return the answer, or null when the query failed on a vanished file and should run again */
    private QueryResult executeOnce(String sql, boolean lastAttempt) {
        long t0 = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        LaneViews.Listing listing = null;
        try (Connection conn = db.duplicate()) {
            gate.check(conn, sql);
            listing = views.refresh(conn);
            try (Statement st = conn.createStatement()) {
                ScheduledFuture<?> timer = canceller.schedule(() -> {
                    timedOut.set(true);
                    try {
                        st.cancel();
                    } catch (SQLException ignored) {
                        // the statement finished meanwhile
                    }
                }, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
                try {
                    return run(st, sql, t0);
                } finally {
                    timer.cancel(false);
                }
            }
        } catch (SQLException e) {
            if (timedOut.get()) {
                throw new SqlTimeoutException(settings.timeout(), e);
            }
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("Permission Error")) {
                throw new SqlRejectedException("outside the archive: " + m, e);
            }
            boolean vanished;
            try {
                vanished = !lastAttempt && (vanishedFile(e) || (listing != null && views.anyGone(listing)));
                if (vanished) {
                    views.stale(); // may list the archive again
                }
            } catch (IOException io) {
                io.addSuppressed(e);
                throw new SqlStorageException("cannot list the archive: " + io, io);
            }
            if (vanished) {
                return null;
            }
            throw new SqlExecutionException(m, e);
        } catch (IOException e) {
            throw new SqlStorageException("cannot list the archive: " + e, e);
        }
    }

    private QueryResult run(Statement st, String sql, long t0) throws SQLException {
        int limit = settings.maxRows();
        try (ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            List<QueryResult.Column> columns = new ArrayList<>(n);
            String[] types = new String[n];
            for (int i = 1; i <= n; i++) {
                types[i - 1] = md.getColumnTypeName(i);
                columns.add(new QueryResult.Column(md.getColumnLabel(i), types[i - 1]));
            }
            List<List<Object>> rows = new ArrayList<>();
            boolean truncated = false;
            while (rs.next()) {
                if (rows.size() == limit) {
                    truncated = true;
                    break;
                }
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(ValueMapper.read(rs, i, types[i - 1]));
                }
                rows.add(java.util.Collections.unmodifiableList(row));
            }
            return new QueryResult(columns, rows, truncated, limit, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * Closes the database, then deletes the spill directory (after, so that no query is still writing
     * to it).
     */
    @Override
    public synchronized void close() throws SQLException, IOException {
        started = false;
        if (canceller != null) {
            canceller.shutdownNow();
            canceller = null;
        }
        try {
            if (db != null) {
                db.close();
                db = null;
            }
        } finally {
            if (spill != null) {
                SpillDirectory s = spill;
                spill = null;
                s.close();
            }
        }
    }

}
