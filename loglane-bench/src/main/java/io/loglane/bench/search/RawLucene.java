package io.loglane.bench.search;

import io.loglane.bench.ingest.IngestBench;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The reference the search benchmark sets loglane against: the corpus's first {@code events}
 * lines straight into a Lucene {@link IndexWriter} in this JVM, the plain design (message as
 * {@link StandardAnalyzer} words, {@code ts} as a point and doc values, status and container as
 * keywords with doc values, the line stored; index sort {@code ts} descending, 64 MiB RAM buffer),
 * on 1 and on 2 threads; then a term + 1-hour range top-100 query over the 2-thread index with the
 * query cache off. Neither trigrams nor loglane's record mapping: the floor of what Lucene costs.
 *
 * <p>Thread-safety: not thread-safe; one run at a time.
 */
final class RawLucene {
    /** One indexing run: docs/s over wall time, and the process CPU per document (all threads: merges, GC, JIT). */
    record Indexing(int threads, long docs, double seconds, double cpuMicrosPerDoc, long bytesOnDisk) {}

    /** Query times in milliseconds, sorted. */
    record Queries(String name, double[] millis) {}

    private static final Sort NEWEST_FIRST = new Sort(new SortField("ts", SortField.Type.LONG, true));

    private final AccessCorpus corpus;
    private final long events;

    RawLucene(AccessCorpus corpus, long events) {
        this.corpus = corpus;
        this.events = Math.min(events, corpus.events());
    }

    /** Indexes the events on {@code threads} threads into {@code dir} (deleted first), committing at the end. */
    Indexing index(Path dir, int threads) throws Exception {
        IngestBench.deleteTree(dir);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        try (FSDirectory d = FSDirectory.open(dir);
             IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer())
                     .setIndexSort(NEWEST_FIRST).setRAMBufferSizeMB(64))) {
            AtomicLong next = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().name("raw-lucene-" + t).start(() -> {
                    try {
                        for (long i; (i = next.getAndIncrement()) < events; ) {
                            w.addDocument(document(i));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : workers) {
                t.join();
            }
            if (!errors.isEmpty()) {
                throw new IOException("raw Lucene indexing failed", errors.getFirst());
            }
            w.commit();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1000.0;
        return new Indexing(threads, events, seconds, cpu / events, IngestBench.sizeOf(dir));
    }

    private Document document(long i) {
        String line = corpus.line(i);
        Document doc = new Document();
        doc.add(new TextField("message", line, Field.Store.NO));
        doc.add(new StoredField("_source", line.getBytes(StandardCharsets.UTF_8)));
        long ts = corpus.timeMillis(i) * 1_000_000L;
        doc.add(new LongPoint("ts", ts));
        doc.add(new NumericDocValuesField("ts", ts));
        String status = status(line);
        doc.add(new StringField("status", status, Field.Store.NO));
        doc.add(new SortedDocValuesField("status", new BytesRef(status)));
        String container = "/web-" + (i % 4);
        doc.add(new StringField("container_name", container, Field.Store.NO));
        doc.add(new SortedDocValuesField("container_name", new BytesRef(container)));
        return doc;
    }

    /** The status code: the three characters after the request's closing quote. */
    private static String status(String line) {
        int q = line.indexOf("HTTP/1.1\" ");
        return q < 0 ? "-" : line.substring(q + 10, q + 13);
    }

    /**
     * {@code status:404} in a random 1-hour window of the corpus's span, newest 100 by ts, over
     * the index in {@code dir}: {@code rounds} measured after 5 warm-up rounds.
     */
    Queries termInHour(Path dir, int rounds, long fromMillis, long toMillis) throws IOException {
        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
            IndexSearcher s = new IndexSearcher(r);
            s.setQueryCache(null);
            SplittableRandom rnd = new SplittableRandom(7);
            double[] ms = new double[rounds];
            for (int k = -5; k < rounds; k++) {
                long from = fromMillis + (long) (rnd.nextDouble() * Math.max(1, toMillis - fromMillis - 3_600_000L));
                Query q = new BooleanQuery.Builder().add(new TermQuery(new Term("status", "404")), BooleanClause.Occur.MUST)
                        .add(LongPoint.newRangeQuery("ts", from * 1_000_000L, (from + 3_600_000L) * 1_000_000L - 1), BooleanClause.Occur.FILTER)
                        .build();
                long t0 = System.nanoTime();
                s.search(q, 100, NEWEST_FIRST);
                if (k >= 0) {
                    ms[k] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            return new Queries("status:404 in 1 h, top 100", ms);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
