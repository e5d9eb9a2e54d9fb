package io.loglane.stores.index;

import java.util.Arrays;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.BytesTermAttribute;
import org.apache.lucene.util.BytesRef;

/**
 * Every distinct run of three consecutive bytes of a UTF-8 message, as binary terms, case and all:
 * the candidates for CloudWatch-style substring terms (a term of three bytes or more matches only
 * documents holding all its trigrams; the message's doc value verifies). A message shorter than
 * three bytes yields nothing. The terms point into the caller's bytes, which the indexer copies,
 * so no term allocates (ARCHITECTURE's dependency notes measured this form against NGramTokenizer:
 * ~35 % faster).
 *
 * <p>A trigram of ASCII bytes is emitted once per document (a bit per possible ASCII trigram,
 * 2<sup>21</sup> bits, cleared after each document): the field is indexed {@code DOCS} only, so a
 * repeat adds nothing to the index but still costs the indexer a hash lookup, and repeats are
 * most of a stack trace's trigrams. A trigram with a non-ASCII byte is emitted at every
 * occurrence (the indexer folds repeats into one posting either way).
 *
 * <p>Thread-safety: not thread-safe; one per document mapper, reused for every document.
 */
final class TrigramTokenStream extends TokenStream {
    static final int N = 3;

    private final BytesTermAttribute term = addAttribute(BytesTermAttribute.class);
    private final BytesRef ref = new BytesRef();
    /** One bit per ASCII trigram {@code b0 << 14 | b1 << 7 | b2} emitted in the current document. */
    private final long[] seen = new long[1 << (3 * 7 - 6)];
    /** Indices of the words of {@link #seen} set in the current document, to clear them. */
    private int[] touched = new int[256];
    private int touchedCount;
    private byte[] bytes = new byte[0];
    private int pos;
    private int end;

    /** Sets the bytes {@code b[off, off+len)} the next pass runs over; they must stay unchanged until the document is added. */
    void setBytes(byte[] b, int off, int len) {
        for (int i = 0; i < touchedCount; i++) {
            seen[touched[i]] = 0;
        }
        touchedCount = 0;
        bytes = b;
        pos = off;
        end = off + len;
    }

    @Override
    public boolean incrementToken() {
        for (; end - pos >= N; pos++) {
            int b0 = bytes[pos];
            int b1 = bytes[pos + 1];
            int b2 = bytes[pos + 2];
            // a non-ASCII byte is negative as a Java byte
            if ((b0 | b1 | b2) < 0 || firstInDocument(b0 << 14 | b1 << 7 | b2)) {
                return emit();
            }
        }
        return false;
    }

    private boolean firstInDocument(int trigram) {
        int word = trigram >>> 6;
        long bit = 1L << trigram; // shifts use the low six bits
        long w = seen[word];
        if ((w & bit) != 0) {
            return false;
        }
        if (w == 0) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = word;
        }
        seen[word] = w | bit;
        return true;
    }

    private boolean emit() {
        // Only the term attribute ever changes (reset cleared the indexer's position, offset and
        // frequency attributes, which no token sets), so clearing them per token would reset nothing.
        ref.bytes = bytes;
        ref.offset = pos++;
        ref.length = N;
        term.setBytesRef(ref);
        return true;
    }

    @Override
    public void reset() {
        // the position was set by setBytes; a stream is consumed once per document
        clearAttributes();
    }
}
