package io.loglane.stores.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.tokenattributes.BytesTermAttribute;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/** The trigram stream: every distinct trigram of a document, ASCII repeats once, and nothing carried to the next document. */
class TrigramTokenStreamTest {
    private final TrigramTokenStream stream = new TrigramTokenStream();

    private List<String> tokens(byte[] b, int off, int len) throws IOException {
        stream.setBytes(b, off, len);
        stream.reset();
        BytesTermAttribute term = stream.getAttribute(BytesTermAttribute.class);
        List<String> out = new ArrayList<>();
        while (stream.incrementToken()) {
            BytesRef r = term.getBytesRef();
            out.add(new String(r.bytes, r.offset, r.length, StandardCharsets.ISO_8859_1)); // one char per byte
        }
        return out;
    }

    private List<String> tokens(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return tokens(b, 0, b.length);
    }

    /** Every 3-byte run of the bytes, in order of first occurrence (what the index must hold). */
    private static Set<String> allTrigrams(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i + 3 <= b.length; i++) {
            out.add(new String(b, i, 3, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void anAsciiTrigramComesOncePerDocumentInOrderOfFirstOccurrence() throws IOException {
        String trace = "at a.B.c(X.java:1)\n\tat a.B.c(X.java:2)\n\tat a.B.c(X.java:3)";
        List<String> t = tokens(trace);
        assertThat(t).doesNotHaveDuplicates().containsExactlyElementsOf(allTrigrams(trace));
        assertThat(tokens("aaaaaa")).containsExactly("aaa");
    }

    @Test
    void aRepeatIsEmittedAgainInTheNextDocument() throws IOException {
        assertThat(tokens("GET /a GET")).containsExactly("GET", "ET ", "T /", " /a", "/a ", "a G", " GE");
        assertThat(tokens("GET GET")).as("nothing of the last document is remembered").containsExactly("GET", "ET ", "T G", " GE");
    }

    @Test
    void everyTrigramOfNonAsciiTextIsThereRepeatsIncluded() throws IOException {
        String s = "Größe Größe ü";
        assertThat(new LinkedHashSet<>(tokens(s))).containsExactlyElementsOf(allTrigrams(s));
    }

    @Test
    void onlyTheGivenRangeIsReadAndShortTextYieldsNothing() throws IOException {
        byte[] b = "xxabcdxx".getBytes(StandardCharsets.US_ASCII);
        assertThat(tokens(b, 2, 4)).containsExactly("abc", "bcd");
        assertThat(tokens(b, 2, 2)).isEmpty();
        assertThat(tokens("")).isEmpty();
    }

    @Test
    void manyDistinctTrigramsInOneDocumentAreAllThereOnce() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            s.append(Integer.toString(i * 7919, 36)).append(' ');
        }
        List<String> t = tokens(s.toString());
        assertThat(t).doesNotHaveDuplicates().containsExactlyElementsOf(allTrigrams(s.toString()));
        assertThat(tokens(s.toString())).as("the same document again after the long one").isEqualTo(t);
    }
}
