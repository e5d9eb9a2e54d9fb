package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import java.nio.charset.StandardCharsets;

/**
 * Unstructured terms against the message: every required term, no excluded one, and (only when
 * the pattern has nothing but {@code ?} terms) one of the optional ones, each as a case-sensitive
 * substring of the message's UTF-8 bytes. No allocation per record.
 *
 * <p>Thread-safety: immutable.
 */
final class TermsTest implements RecordTest {
    private final byte[][] required;
    private final byte[][] excluded;
    private final byte[][] optional;

    TermsTest(PatternNode.Terms terms) {
        boolean ignoreOptional = terms.optionalIgnored();
        this.required = bytes(terms, PatternNode.Term.Role.REQUIRED);
        this.excluded = bytes(terms, PatternNode.Term.Role.EXCLUDED);
        this.optional = ignoreOptional ? new byte[0][] : bytes(terms, PatternNode.Term.Role.OPTIONAL);
    }

    private static byte[][] bytes(PatternNode.Terms terms, PatternNode.Term.Role role) {
        return terms.terms().stream().filter(t -> t.role() == role)
                .map(t -> t.text().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    @Override
    public boolean test(RecordView view, MessageBytes m) {
        for (byte[] t : required) {
            if (!ByteSearch.contains(m.array, m.offset, m.length, t)) {
                return false;
            }
        }
        for (byte[] t : excluded) {
            if (ByteSearch.contains(m.array, m.offset, m.length, t)) {
                return false;
            }
        }
        if (optional.length == 0) {
            return true;
        }
        for (byte[] t : optional) {
            if (ByteSearch.contains(m.array, m.offset, m.length, t)) {
                return true;
            }
        }
        return false;
    }
}
