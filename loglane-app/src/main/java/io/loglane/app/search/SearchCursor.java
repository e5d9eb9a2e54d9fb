package io.loglane.app.search;

import io.loglane.query.ArchiveSearch;
import io.loglane.stores.index.IndexSearch;
import io.loglane.stores.index.SearchSyntax;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the next page of a hot + cold search starts: the query it belongs to (a fingerprint of
 * lane, syntax and query text), the boundary between the index's part and the archive's that the
 * first page chose (kept, so that every page splits the range the same way and each match is seen
 * once), and a position in one part: in the index a {@link IndexSearch.Cursor} (event time and
 * stream offset), in the archive an {@link ArchiveSearch.Position} (event time and rows skipped at
 * it), or the archive's start. Text form: {@code <fingerprint>.<boundaryMillis>.<h|c|s>.<tsNanos>.<n>}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param part {@link Part#INDEX}: {@code n} is the offset; {@link Part#ARCHIVE}: the skip; {@link Part#ARCHIVE_START}: unused
 */
public record SearchCursor(String fingerprint, long boundaryMillis, Part part, long tsNanos, long n) {
    /** Which part of the search the next page continues. */
    public enum Part { INDEX, ARCHIVE, ARCHIVE_START }

    /** The index position of an {@link Part#INDEX} cursor. */
    IndexSearch.Cursor indexCursor() { return new IndexSearch.Cursor(tsNanos, n); }

    /** The archive position of an {@link Part#ARCHIVE} cursor; null for the archive's start. */
    ArchiveSearch.Position archivePosition() { return part == Part.ARCHIVE ? new ArchiveSearch.Position(tsNanos, n) : null; }

    @Override
    public String toString() {
        char p = switch (part) {
            case INDEX -> 'h';
            case ARCHIVE -> 'c';
            case ARCHIVE_START -> 's';
        };
        return fingerprint + "." + boundaryMillis + "." + p + "." + tsNanos + "." + n;
    }

    /**
     * Parses {@link #toString()}'s form and checks that it belongs to this query.
     *
     * @throws IllegalArgumentException not a cursor, or one of another query or lane
     */
    public static SearchCursor parse(String text, String lane, SearchSyntax syntax, String query) {
        String[] p = text.strip().split("\\.", -1);
        SearchCursor c;
        try {
            if (p.length != 5 || p[2].length() != 1) {
                throw new IllegalArgumentException();
            }
            Part part = switch (p[2].charAt(0)) {
                case 'h' -> Part.INDEX;
                case 'c' -> Part.ARCHIVE;
                case 's' -> Part.ARCHIVE_START;
                default -> throw new IllegalArgumentException();
            };
            c = new SearchCursor(p[0], Long.parseLong(p[1]), part, Long.parseLong(p[3]), Long.parseLong(p[4]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad cursor '" + text + "': expected the next_cursor of an earlier answer");
        }
        if (!c.fingerprint.equals(fingerprint(lane, syntax, query))) {
            throw new IllegalArgumentException("cursor '" + text + "' belongs to another query or lane: page with the next_cursor of"
                    + " an answer to this lane, query and syntax, or drop it to start again");
        }
        return c;
    }

    /** 16 hex digits of SHA-256 over lane, syntax and query: what a cursor is bound to. */
    public static String fingerprint(String lane, SearchSyntax syntax, String query) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((lane + '\n' + syntax.label() + '\n' + (query == null ? "" : query))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
