package io.loglane.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParsersTest {
    @Test
    void namesAreTheConfigVocabulary() {
        assertThat(Parsers.names()).containsExactly("none", "json", "logfmt", "nginx_combined", "apache_combined",
                "syslog", "syslog_rfc3164", "syslog_rfc5424");
        for (String n : Parsers.names()) {
            assertThat(Parsers.forName(n).name()).isEqualTo(n);
        }
    }

    @Test
    void noneJsonAndLogfmtAddNoTypedFieldsOfTheirOwn() {
        ParsedFields out = new ParsedFields(0);
        for (String n : new String[] {"none", "json", "logfmt"}) {
            RecordParser p = Parsers.forName(n);
            assertThat(p.fields()).isEmpty();
            assertThat(p.parse("{\"a\":1}", out)).as("typed values come from the lifted record fields").isFalse();
        }
    }

    @Test
    void jsonReadsAJsonObjectMessagesTimeAndFieldsAndNoneReadsNothing() {
        byte[] line = "{\"time\":1795586400,\"level\":\"error\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MessageView m = new MessageView().set(line, 0, line.length);
        RecordParser json = Parsers.forName("json");
        assertThat(json.eventTime(m)).isEqualTo(1_795_586_400_000_000_000L);
        assertThat(json.liftedFields(m)).isNotNull();
        assertThat(json.liftedFields(m).timeNanos()).isEqualTo(1_795_586_400_000_000_000L);
        RecordParser none = Parsers.forName("none");
        assertThat(none.eventTime(m)).isEqualTo(-1);
        assertThat(none.liftedFields(m)).isNull();
        byte[] plain = "plain line".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        m.set(plain, 0, plain.length);
        assertThat(json.eventTime(m)).isEqualTo(-1);
        assertThat(json.liftedFields(m)).isNull();
        assertThat(json.liftedFields(m.clear())).isNull();
    }

    @Test
    void unknownNamesFail() {
        assertThatThrownBy(() -> Parsers.forName("xml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parser \"xml\"").hasMessageContaining("nginx_combined");
    }
}
