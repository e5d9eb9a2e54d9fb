package io.loglane.stores.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * One lane's Lucene index of one UTC day, open for writing: its {@link IndexWriter} (index sorted
 * on {@code ts} then {@code _offset} descending, so newest-first searches stop early) and a {@link SearcherManager}
 * over it for near-real-time search. Each commit records, in its user data, {@link #NEXT_OFFSET}:
 * the stream offset after the last batch written before it, so every document of the commit has an
 * offset below it (the sink's redelivery rule, FORMAT.md "Idempotence").
 *
 * <p>Thread-safety: {@link #add}, {@link #commit}, {@link #rollback} and {@link #close} from the
 * sink's delivery thread; {@link #refresh}, {@link #searched} and {@link #searchers} from any thread (Lucene's
 * writer and searcher manager are thread-safe), under the sink's lock so they never meet a close.
 */
final class DayIndex implements AutoCloseable {
    /** Commit user-data key: offset after the last batch written before the commit. */
    static final String NEXT_OFFSET = "loglane.next_offset";
    /** Commit user-data key: the on-disk format version of FORMAT.md. */
    static final String FORMAT_VERSION = "loglane.format";
    static final String VERSION = "1";
    /** Newest first, ties by offset (newest first too): a search sorted the same way stops after its top N. */
    static final Sort INDEX_SORT = new Sort(new SortField(IndexFields.TS, SortField.Type.LONG, true),
            new SortField(IndexFields.OFFSET, SortField.Type.LONG, true));

    private final Directory dir;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    /** Offset after the last batch written before this index's last commit (0 for a new index). */
    private final long committedNext;
    private boolean dirty;
    /** Clock millis of the last add, set by the sink (which owns the clock). */
    long lastWriteMillis;
    /** The sink's write sequence number at the last add (orders the open days by last write). */
    long lastWriteSeq;
    /** {@link System#nanoTime()} of the last search of this day; the refresh thread keeps only recently searched days fresh. */
    private volatile long lastSearchNanos;

    DayIndex(Path path, long ramBufferBytes) throws IOException {
        this.dir = FSDirectory.open(path);
        IndexWriter w = null;
        try {
            IndexWriterConfig cfg = new IndexWriterConfig(analyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setIndexSort(INDEX_SORT)
                    .setRAMBufferSizeMB(ramBufferMB(ramBufferBytes, Runtime.getRuntime().maxMemory()))
                    .setCommitOnClose(false); // only what flush commits is durable; close drops the rest
            w = new IndexWriter(dir, cfg);
            Iterable<Map.Entry<String, String>> data = w.getLiveCommitData();
            long next = 0;
            if (data != null) {
                for (Map.Entry<String, String> e : data) {
                    if (e.getKey().equals(NEXT_OFFSET)) {
                        next = Long.parseLong(e.getValue());
                    }
                }
            }
            this.committedNext = next;
            this.searchers = new SearcherManager(w, null);
            this.writer = w;
            this.lastSearchNanos = System.nanoTime() - Long.MAX_VALUE / 2; // never searched
        } catch (IOException | RuntimeException e) {
            if (w != null) {
                w.rollback();
            }
            dir.close();
            throw e;
        }
    }

    /**
     * The writer's RAM buffer in MiB: {@code configured}, but at most an eighth of the heap
     * ({@code maxHeap}, {@link Long#MAX_VALUE} when unbounded), so that several lanes indexing at
     * full rate, each with a full buffer, cannot exhaust a small heap (512 MiB: 64 MiB each).
     * A bigger buffer means bigger flushed segments, so fewer segments to sort on flush and fewer
     * merge levels (IndexBench, fixed work: over 600 k documents 16 → 128 MiB took ~70 to ~44
     * CPU-µs/doc, but that run ends before any merge; over 3 M documents, merges included, the
     * gain is smaller: 45.8 → 39.9 together with the mapper's changes).
     */
    static double ramBufferMB(long configured, long maxHeap) {
        return Math.min(configured, maxHeap / 8) / (1024.0 * 1024.0);
    }

    /** The analyzer of the {@code message} words: Unicode word breaks (IPs, ids with {@code _} stay whole), lower-cased, no stop words. */
    static StandardAnalyzer analyzer() { return new StandardAnalyzer(CharArraySet.EMPTY_SET); }

    /** Offset after the last batch written before the last commit: a document below it may already be in the index. */
    long committedNext() { return committedNext; }

    /**
     * Adds a document; {@code replace} first removes any document with the same offset (a
     * redelivery below {@link #committedNext}).
     */
    void add(Iterable<? extends IndexableField> doc, long offset, boolean replace) throws IOException {
        if (replace) {
            writer.updateDocument(new Term(IndexFields.OFFSET, DocumentMapper.offsetKey(offset)), doc);
        } else {
            writer.addDocument(doc);
        }
        dirty = true;
    }

    /** Whether documents were added since the last commit. */
    boolean dirty() { return dirty; }

    /**
     * Makes everything added durable (fsync), recording {@code nextOffset} in the commit, and
     * searchable at once (what {@code POST /api/v1/flush} promises, without waiting for the refresh thread).
     */
    void commit(long nextOffset) throws IOException {
        writer.setLiveCommitData(Map.of(NEXT_OFFSET, Long.toString(nextOffset), FORMAT_VERSION, VERSION).entrySet());
        writer.commit();
        dirty = false;
        searchers.maybeRefreshBlocking();
    }

    /**
     * Reopens the searchers if documents were added since the last reopen. Each reopen flushes
     * what the writer buffered as a new small segment (sorted, later merged again), so the sink
     * reopens only days someone searches ({@link #searched}).
     */
    void refresh() throws IOException { searchers.maybeRefresh(); }

    /**
     * Records a search of this day. When it was not searched within {@code keepFreshNanos} (the
     * window in which the refresh thread keeps reopening it), its searchers may be stale by any
     * amount, so they reopen now, blocking: the search sees everything written before it.
     */
    void searched(long keepFreshNanos) throws IOException {
        boolean kept = searchedWithin(keepFreshNanos);
        lastSearchNanos = System.nanoTime();
        if (!kept) {
            searchers.maybeRefreshBlocking();
        }
    }

    /** Whether this day was searched within the last {@code nanos}. */
    boolean searchedWithin(long nanos) { return System.nanoTime() - lastSearchNanos < nanos; }

    SearcherManager searchers() { return searchers; }

    /** Drops everything not committed and closes. */
    void rollback() throws IOException {
        try {
            searchers.close();
        } finally {
            try {
                writer.rollback();
            } finally {
                dir.close();
            }
        }
    }

    /** Closes without committing (same as {@link #rollback}: the commit point is what the sink reported durable). */
    @Override
    public void close() throws IOException { rollback(); }
}
