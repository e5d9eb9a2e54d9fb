package io.loglane.inputs.admission;

import io.loglane.core.ingest.IngestResult;

/**
 * The final outcome of a request {@link SourceBackPressure#submit submitted} through back-pressure.
 * Exactly one of the two methods is called, once.
 */
public interface Settled {
    /**
     * On the source's thread: the request was accepted ({@code error} null), refused for a reason
     * not worth waiting out, failed, or was still refused when its source closed.
     *
     * @param error the refusal or failure, unwrapped from any {@link java.util.concurrent.CompletionException}
     */
    void settled(IngestResult result, Throwable error);

    /**
     * The source's thread was gone before the outcome could be delivered; called on whichever
     * thread found that out, so it may only release what is shared and thread-safe (no ack can be
     * sent anyway).
     */
    void abandoned();
}
