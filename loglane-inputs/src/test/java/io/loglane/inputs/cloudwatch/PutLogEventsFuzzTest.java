package io.loglane.inputs.cloudwatch;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): a CloudWatch Logs {@code PutLogEvents} request body (what the
 * awslogs driver and Fluent Bit's {@code cloudwatch_logs} send). Property: a request or a
 * {@link CloudWatchError} with a 4xx status; nothing else (a 500, a hang).
 */
class PutLogEventsFuzzTest {
    @FuzzTest
    void readsAnyBody(byte[] body) {
        try {
            PutLogEvents r = PutLogEvents.read(body, 1_700_000_000_000L);
            assertThat(r.tooOldEnd).isLessThan(r.tooNewStart);
        } catch (CloudWatchError e) {
            assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
        }
    }
}
