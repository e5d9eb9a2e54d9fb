package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenOptionTest {
    @Test
    void theFlagWinsOverTheEnvironmentAndBlankMeansNone() {
        TokenOption o = new TokenOption();
        assertThat(o.value(Map.of())).isNull();
        assertThat(o.value(Map.of("LOGLANE_TOKEN", " env-token\n"))).isEqualTo("env-token");
        assertThat(o.value(Map.of("LOGLANE_TOKEN", "  "))).isNull();
        o.token = "flag-token";
        assertThat(o.value(Map.of("LOGLANE_TOKEN", "env-token"))).isEqualTo("flag-token");
    }

    @Test
    void aTokenBecomesABearerHeaderAndNoTokenNoHeader() {
        HttpRequest with = TokenOption.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")), "t1").build();
        assertThat(with.headers().firstValue("Authorization")).hasValue("Bearer t1");
        HttpRequest without = TokenOption.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")), null).build();
        assertThat(without.headers().firstValue("Authorization")).isEmpty();
    }
}
