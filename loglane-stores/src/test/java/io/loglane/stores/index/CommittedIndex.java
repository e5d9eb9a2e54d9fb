package io.loglane.stores.index;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/** Reads a lane's day indices as their last commits (what survives a crash), from outside the sink. */
final class CommittedIndex {
    private CommittedIndex() {}

    /** The offsets of every live document of every day, with repeats. */
    static List<Long> offsets(Path root, String lane) throws IOException {
        List<Long> out = new ArrayList<>();
        IndexLayout layout = new IndexLayout(root);
        for (LocalDate day : layout.days(lane)) {
            try (FSDirectory dir = FSDirectory.open(layout.dayDir(lane, day))) {
                if (!DirectoryReader.indexExists(dir)) {
                    continue;
                }
                try (DirectoryReader r = DirectoryReader.open(dir)) {
                    for (LeafReaderContext leaf : r.leaves()) {
                        NumericDocValues v = leaf.reader().getNumericDocValues(IndexFields.OFFSET);
                        Bits live = leaf.reader().getLiveDocs();
                        for (int d = v == null ? Integer.MAX_VALUE : v.nextDoc(); d != NumericDocValues.NO_MORE_DOCS; d = v.nextDoc()) {
                            if (live == null || live.get(d)) {
                                out.add(v.longValue());
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The offsets of the documents of {@code day} matching {@code q}, in index order (newest first). */
    static List<Long> search(Path root, String lane, LocalDate day, Query q) throws IOException {
        try (FSDirectory dir = FSDirectory.open(new IndexLayout(root).dayDir(lane, day)); DirectoryReader r = DirectoryReader.open(dir)) {
            return hits(new IndexSearcher(r), q);
        }
    }

    /** The offsets of the documents {@code s} finds for {@code q}, in index order. */
    static List<Long> hits(IndexSearcher s, Query q) throws IOException {
        List<Long> out = new ArrayList<>();
        for (ScoreDoc sd : s.search(q, 10_000, Sort.INDEXORDER).scoreDocs) {
            LeafReaderContext leaf = s.getIndexReader().leaves().get(ReaderUtil.subIndex(sd.doc, s.getIndexReader().leaves()));
            NumericDocValues v = leaf.reader().getNumericDocValues(IndexFields.OFFSET);
            v.advanceExact(sd.doc - leaf.docBase);
            out.add(v.longValue());
        }
        return out;
    }
}
