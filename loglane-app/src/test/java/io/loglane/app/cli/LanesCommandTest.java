package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code ./loglane lanes} names each store by its instance, adding the kind when the name does not say it. */
class LanesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStoreIsNamedByItsInstanceAndItsKindWhenTheyDiffer() throws Exception {
        assertThat(LanesCommand.storeName(JSON.readTree("{\"store\":\"archive\",\"instance\":\"archive\",\"kind\":\"archive\"}")))
                .isEqualTo("archive");
        assertThat(LanesCommand.storeName(JSON.readTree("{\"store\":\"archive\",\"instance\":\"cold\",\"kind\":\"archive\"}")))
                .isEqualTo("cold (archive)");
    }
}
