package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void parsesBinaryAndDecimalUnits() {
        assertThat(Sizes.parse("512")).isEqualTo(512);
        assertThat(Sizes.parse("512B")).isEqualTo(512);
        assertThat(Sizes.parse("64KiB")).isEqualTo(64 * 1024);
        assertThat(Sizes.parse("16MiB")).isEqualTo(16L * 1024 * 1024);
        assertThat(Sizes.parse("10GiB")).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(Sizes.parse("2TiB")).isEqualTo(2L << 40);
        assertThat(Sizes.parse("1GB")).isEqualTo(1_000_000_000L);
        assertThat(Sizes.parse("5MB")).isEqualTo(5_000_000L);
        assertThat(Sizes.parse("3KB")).isEqualTo(3_000L);
        assertThat(Sizes.parse("0")).isZero();
    }

    @Test
    void rejectsWhatIsNotASize() {
        for (String bad : new String[] {"12Q", "", "MiB", "1.5GiB", "-1", "1 MiB", "1mib", "1Mb", "9999999999TiB"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Sizes.parse("12Q"))
                .hasMessage("bad size \"12Q\" (use e.g. 512, 64KiB, 16MiB, 10GiB, 1GB)");
    }

    @Test
    void formatsInTheLargestExactBinaryUnit() {
        assertThat(Sizes.format(16L << 20)).isEqualTo("16MiB");
        assertThat(Sizes.format(1000)).isEqualTo("1000");
        assertThat(Sizes.format(0)).isEqualTo("0");
        assertThat(Sizes.parse(Sizes.format(10L << 30))).isEqualTo(10L << 30);
    }
}
