package io.loglane.stream.testkit;

import io.loglane.stream.LaneStream;
import io.loglane.stream.io.ChannelOpener;
import java.nio.file.Path;

/**
 * What a {@link LaneStream} implementation gives the contract suites ({@link LaneStreamContract},
 * {@link StreamReaderContract}): a way to open one lane, and the facts in which implementations may
 * differ by design.
 *
 * <p>Thread-safety: called from the test thread only.
 */
public interface LaneFixture {
    /**
     * A started lane kept in {@code dir}, writing every file through {@code storage} (so a suite
     * can fill or hold the disk under it). Opening the same directory again after
     * {@link LaneStream#close()} is a restart.
     */
    LaneStream open(Path dir, ChannelOpener storage) throws Exception;

    /**
     * True when a full lane refuses appends ({@code BACKPRESSURE}: disk, sync), with
     * {@code maxLaneBytes} of {@link #MAX_LANE_BYTES}; false when it drops its oldest (memory).
     */
    boolean pushesBack();

    /** The {@code maxLaneBytes} a lane that {@link #pushesBack()} is opened with: small, so tests fill it quickly. */
    long MAX_LANE_BYTES = 64 * 1024;

    /** True when records survive a clean restart (disk, sync); false when a restart loses them (memory). */
    boolean keepsRecordsAcrossRestart();
}
