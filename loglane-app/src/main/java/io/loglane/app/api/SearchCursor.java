package io.loglane.app.api;

import io.loglane.stores.index.IndexSearch;
import io.loglane.stores.index.SearchSyntax;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The {@code next_cursor} a search answer hands out: {@link IndexSearch.Cursor}'s position followed by a
 * check of the lane, syntax and query it pages ({@code <tsNanos>:<offset>:<check>}, the check being the
 * CRC-32C of those three in hex). A cursor only means something for the query that produced it: given to
 * another query or lane it would silently skip or repeat matches, so {@link #parse} refuses it. The check
 * catches mistakes, it is not a secret (a client could compute it).
 *
 * <p>Thread-safety: stateless.
 */
final class SearchCursor {
    private SearchCursor() {}

    /** The text form of {@code cursor} for the search of {@code query} in {@code syntax} over {@code lane}. */
    static String of(IndexSearch.Cursor cursor, String lane, SearchSyntax syntax, String query) {
        return cursor + ":" + check(lane, syntax, query);
    }

    /**
     * The position in {@code text}, a {@link #of} of the same lane, syntax and query.
     *
     * @throws IllegalArgumentException the text is not a cursor, or is one of another query or lane
     */
    static IndexSearch.Cursor parse(String text, String lane, SearchSyntax syntax, String query) {
        int last = text.lastIndexOf(':');
        IndexSearch.Cursor cursor = IndexSearch.Cursor.parse(last < 0 ? text : text.substring(0, last));
        if (!text.substring(last + 1).equals(check(lane, syntax, query))) {
            throw new IllegalArgumentException("bad cursor: it belongs to another query or lane; start again without a cursor");
        }
        return cursor;
    }

    private static String check(String lane, SearchSyntax syntax, String query) {
        CRC32C crc = new CRC32C();
        crc.update((lane + '\n' + syntax.label() + '\n' + (query == null ? "" : query)).getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
