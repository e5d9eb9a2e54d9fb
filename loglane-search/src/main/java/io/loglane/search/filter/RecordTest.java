package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import java.io.IOException;

/**
 * The compiled test of one pattern kind, run against a record already {@linkplain RecordView#read
 * read} into a view, and its message.
 *
 * <p>Thread-safety: implementations hold scratch state; one per {@link FilterMatcher}.
 */
interface RecordTest {
    boolean test(RecordView view, MessageBytes message) throws IOException;
}
