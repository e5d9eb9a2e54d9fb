package io.loglane.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParsersTest {
    @Test
    void namesAreTheConfigVocabulary() {
        assertThat(Parsers.names()).containsExactly("none", "json", "nginx_combined");
        for (String n : Parsers.names()) {
            assertThat(Parsers.forName(n).name()).isEqualTo(n);
        }
    }

    @Test
    void noneAndJsonAddNoTypedFields() {
        ParsedFields out = new ParsedFields(0);
        for (String n : new String[] {"none", "json"}) {
            RecordParser p = Parsers.forName(n);
            assertThat(p.fields()).isEmpty();
            assertThat(p.parse("{\"a\":1}", out)).isTrue();
        }
    }

    @Test
    void unknownNamesFail() {
        assertThatThrownBy(() -> Parsers.forName("xml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parser \"xml\"").hasMessageContaining("nginx_combined");
    }
}
