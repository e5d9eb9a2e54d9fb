package io.loglane.stores.index;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.BytesTermAttribute;
import org.apache.lucene.util.BytesRef;

/**
 * Every run of three consecutive bytes of a UTF-8 message, as binary terms, case and all: the
 * candidates for CloudWatch-style substring terms (a term of three bytes or more matches only
 * documents holding all its trigrams; the message's doc value verifies). A message shorter than
 * three bytes yields nothing. The terms point into the caller's bytes, which the indexer copies,
 * so no term allocates (ARCHITECTURE's dependency notes measured this form against NGramTokenizer:
 * ~35 % faster).
 *
 * <p>Thread-safety: not thread-safe; one per document mapper, reused for every document.
 */
final class TrigramTokenStream extends TokenStream {
    static final int N = 3;

    private final BytesTermAttribute term = addAttribute(BytesTermAttribute.class);
    private final BytesRef ref = new BytesRef();
    private byte[] bytes = new byte[0];
    private int pos;
    private int end;

    /** Sets the bytes {@code b[off, off+len)} the next pass runs over; they must stay unchanged until the document is added. */
    void setBytes(byte[] b, int off, int len) {
        bytes = b;
        pos = off;
        end = off + len;
    }

    @Override
    public boolean incrementToken() {
        if (end - pos < N) {
            return false;
        }
        clearAttributes();
        ref.bytes = bytes;
        ref.offset = pos++;
        ref.length = N;
        term.setBytesRef(ref);
        return true;
    }

    @Override
    public void reset() {
        // the position was set by setBytes; a stream is consumed once per document
    }
}
