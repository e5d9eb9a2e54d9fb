package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ImportProgress#line}: bytes done of total, lines/s, MB/s and an ETA only when the total is known. */
class ImportProgressTest {
    @Test
    void aLineShowsBytesRatesAndEta() {
        assertThat(ImportProgress.line(500_000_000, 1_000_000_000, 2_000_000, 10))
                .isEqualTo("500.0 MB / 1.00 GB (50%), 200000 lines/s, 50.0 MB/s, ETA 10s");
        assertThat(ImportProgress.line(30_000_000, -1, 1000, 2)).as("standard input: no total, no ETA")
                .isEqualTo("30.0 MB, 500 lines/s, 15.0 MB/s");
    }
}
