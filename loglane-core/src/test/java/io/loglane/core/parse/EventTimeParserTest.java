package io.loglane.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimeParserTest {
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private static long clf(String s) {
        byte[] b = ("[" + s + "]").getBytes(StandardCharsets.US_ASCII);
        return EventTimeParser.fromCommonLogTime(b, 1, b.length - 1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "25/Nov/2026:06:00:00 +0000 | 2026-11-25T06:00:00Z",
            "25/Nov/2026:07:00:00 +0100 | 2026-11-25T06:00:00Z",
            "24/Nov/2026:23:30:00 -0630 | 2026-11-25T06:00:00Z",
            "10/Oct/2000:13:55:36 -0700 | 2000-10-10T20:55:36Z",
            "29/Feb/2024:00:00:00 +0000 | 2024-02-29T00:00:00Z",
            "01/jan/1970:00:00:00 +0000 | 1970-01-01T00:00:00Z",
            "31/DEC/2399:23:59:59 +0000 | 2399-12-31T23:59:59Z",
    })
    void commonLogTimesAreReadWithTheirOffset(String time, String utc) {
        assertThat(clf(time)).isEqualTo(OffsetDateTime.parse(utc).toEpochSecond() * 1_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "25/Nov/2026:06:00:00", "25/Nov/2026:06:00:00 +000", "25/Nov/2026:06:00:00 +00000",
            "25-Nov-2026:06:00:00 +0000", "25/Nox/2026:06:00:00 +0000", "32/Jan/2026:06:00:00 +0000",
            "29/Feb/2025:06:00:00 +0000", "31/Apr/2026:06:00:00 +0000", "00/Jan/2026:06:00:00 +0000",
            "25/Nov/2026:24:00:00 +0000", "25/Nov/2026:06:60:00 +0000", "25/Nov/2026:06:00:60 +0000",
            "25/Nov/2026 06:00:00 +0000", "25/Nov/2026:06:00:00 *0000", "2a/Nov/2026:06:00:00 +0000",
            "01/Jan/1970:00:00:00 +0100", "25/Nov/2026:06:00:00 +1960",
    })
    void anythingElseIsNoTime(String time) {
        assertThat(clf(time)).isEqualTo(-1);
    }

    @Test
    void agreesWithJavaTimeOnRandomInstantsAndOffsets() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long sec = rnd.nextLong(100_000L, 13_000_000_000L);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(rnd.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            String s = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(sec), offset).format(CLF);
            assertThat(clf(s)).as(s).isEqualTo(sec * 1_000_000_000L);
        }
    }

    @Test
    void theCachingReaderAgreesWithTheParserLineAfterLine() {
        CommonLogTimes times = new CommonLogTimes();
        SplittableRandom rnd = new SplittableRandom(11);
        long sec = 1_795_586_400L;
        for (int i = 0; i < 20_000; i++) {
            // mostly the same day and offset as the line before; now and then another day or offset
            sec += rnd.nextInt(10) == 0 ? rnd.nextLong(-400_000, 400_000) : rnd.nextInt(0, 3);
            ZoneOffset offset = ZoneOffset.ofHours(rnd.nextInt(20) == 0 ? rnd.nextInt(-12, 13) : 0);
            byte[] b = ("[" + OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(sec), offset).format(CLF) + "]")
                    .getBytes(StandardCharsets.US_ASCII);
            assertThat(times.parse(b, 1, b.length - 1)).isEqualTo(sec * 1_000_000_000L);
        }
        byte[] good = "[25/Nov/2026:06:00:00 +0000]".getBytes(StandardCharsets.US_ASCII);
        assertThat(times.parse(good, 1, good.length - 1)).isEqualTo(1_795_586_400_000_000_000L);
        for (String bad : new String[] {"25/Nov/2026:06:00:60 +0000", "25/Nov/2026-06:00:00 +0000", "25/Nov/2026:06:00:00_+0000",
                "25/Nov/2026:06-00:00 +0000", "25/Nov/2026:06:00:00 +000"}) {
            byte[] b = ("[" + bad + "]").getBytes(StandardCharsets.US_ASCII);
            assertThat(times.parse(b, 1, b.length - 1)).as("same date as the line before, yet %s", bad).isEqualTo(-1);
        }
    }

    /** Fuzzing finding (TimestampsFuzzTest): an epoch past year 2262 in any unit overflowed to a negative time. */
    @Test
    void epochsNanosecondsCannotHoldAreNotTimes() {
        assertThat(EventTimeParser.fromLong(17_339_292_800L)).as("seconds, year 2519").isEqualTo(-1);
        assertThat(EventTimeParser.fromLong(9_300_000_000_000L)).as("milliseconds").isEqualTo(-1);
        assertThat(EventTimeParser.fromLong(9_300_000_000_000_000L)).as("microseconds").isEqualTo(-1);
        assertThat(EventTimeParser.fromNumber(17_339_292_800.5)).isEqualTo(-1);
        assertThat(EventTimeParser.fromNumber(9.3e12)).isEqualTo(-1);
        assertThat(EventTimeParser.fromNumber(9.3e15)).isEqualTo(-1);
        assertThat(TimeFormat.of(null).parse("17339292800")).isEqualTo(-1);
        // the largest of each that fits still reads
        assertThat(EventTimeParser.fromLong(9_000_000_000L)).isEqualTo(9_000_000_000L * 1_000_000_000L);
        assertThat(EventTimeParser.fromLong(1_733_392_800_123L)).isEqualTo(1_733_392_800_123_000_000L);
    }

    /** Fuzzing finding (TimestampsFuzzTest): the JDK's pattern builder threw ClassCastException, which escaped the config loader. */
    @Test
    void aFormatTheJdkCannotBuildIsABadTimeFormat() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimeFormat.of("%%Y-%%%Y-%m4%m-%e%Y-%m-%%4S"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bad time_format");
    }
}
