package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link TerminalText}: what a log line may not do to the terminal it is printed on. */
class TerminalTextTest {
    @Test
    void plainTextAndTabsAreLeftAsTheyAre() {
        String plain = "GET /api\t200 größe ✓";
        assertThat(TerminalText.safe(plain)).isSameAs(plain);
    }

    @Test
    void everyControlCharacterBecomesVisible() {
        assertThat(TerminalText.safe("a\u001b]0;title\u0007b")).isEqualTo("a\\e]0;title\\x07b");
        assertThat(TerminalText.safe("\u0000\u007f\u009b31m")).isEqualTo("\\0\\x7f\\x9b31m");
        assertThat(TerminalText.safe("ok\rFAKE")).as("a lone carriage return would overwrite the line").isEqualTo("ok\\rFAKE");
        assertThat(TerminalText.safe("evil\u202Etxt.exe\u2066x\u2069")).isEqualTo("evil\\u202Etxt.exe\\u2066x\\u2069");
    }

    @Test
    void aLineBreakStaysWithTheNextLineIndentedAndCrlfIsOneBreak() {
        assertThat(TerminalText.safe("boom\r\n\tat x\nCaused by y")).isEqualTo("boom\n    \tat x\n    Caused by y");
    }
}
