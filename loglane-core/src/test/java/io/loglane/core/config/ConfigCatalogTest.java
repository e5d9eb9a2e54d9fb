package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The loader knows exactly the types its catalog registers: core declares none of its own. */
class ConfigCatalogTest {
    private static final String LANES = "lanes: {default: {}}\n";

    @Test
    void onlyTheRegisteredTypesAndSectionsAreAccepted() {
        ConfigLoader inputsOnly = new ConfigLoader(new ConfigCatalog(List.of(TestCatalog.TCP), List.of()));
        String yaml = LANES + "inputs:\n  - type: web\nvault:\n  flush_age: 1s\n";
        assertThat(inputsOnly.check(new ConfigSource("c.yaml", yaml))).extracting(ConfigException::getMessage).containsExactly(
                "c.yaml:3: inputs[0].type: unknown input type \"web\" (known: tcp)",
                "c.yaml:4: vault: unknown section (known: server, inputs, lanes, stream, query)");
        assertThat(TestCatalog.LOADER.check(new ConfigSource("c.yaml", yaml))).as("the full fixture accepts both").isEmpty();
        // fuzzing finding (ConfigLoaderFuzzTest): an empty key was named by an empty string
        for (String empty : List.of("?\n", "\"\": 1\n")) {
            assertThat(inputsOnly.check(new ConfigSource("c.yaml", LANES + empty))).extracting(ConfigException::getMessage).as(empty)
                    .containsExactly("c.yaml:2: \"\": unknown section (known: server, inputs, lanes, stream, query)");
        }
    }

    @Test
    void withoutStoresALaneDeliversNowhereByDefaultAndNamesNone() throws Exception {
        ConfigLoader noStores = new ConfigLoader(new ConfigCatalog(List.of(), List.of()));
        assertThat(noStores.load(new ConfigSource("c.yaml", LANES)).lane("default").to()).isEmpty();
        assertThat(noStores.check(new ConfigSource("c.yaml", "lanes:\n  default:\n    to: [vault]\n")))
                .extracting(ConfigException::getMessage)
                .containsExactly("c.yaml:3: lanes.default.to[0]: unknown destination \"vault\" (known: )");
    }

    @Test
    void aStoresLaneKeyLayersLikeAnyLaneKeyAndReachesTheLaneAsAStoreOption() throws Exception {
        String base = "lanes:\n  default: {}\n  ledger:\n    sealed: true\n    durability: sync\n";
        String over = "lanes:\n  ledger:\n    durability: disk\n";
        LoglaneConfig c = TestCatalog.LOADER.load(new ConfigSource("base.yaml", base), new ConfigSource("over.yaml", over));
        assertThat(c.lane("ledger").<Boolean>storeOption("sealed")).isTrue();
        assertThat(c.lane("default").<Boolean>storeOption("sealed")).as("the key's default").isFalse();
        assertThat(TestCatalog.LOADER.check(new ConfigSource("c.yaml", "lanes:\n  default:\n    sealed: maybe\n")))
                .extracting(ConfigException::getMessage)
                .containsExactly("c.yaml:3: lanes.default.sealed: must be true or false, got \"maybe\"");
        List<String> laneKeys = TestCatalog.LOADER.schema().keys().stream().map(ConfigKey::path)
                .filter(p -> p.startsWith("lanes.")).toList();
        assertThat(laneKeys).as("after the shared lane keys").endsWith("lanes.<name>.to", "lanes.<name>.sealed");
    }

    @Test
    void aTypeMayDeclareKeysOnlyInItsOwnPlaceAndOnlyOnce() {
        StoreKeys stray = new StoreKeys() {
            @Override public String name() { return "stray"; }

            @Override public List<ConfigKey> keys() { return List.of(new ConfigKey("server.port", ValueType.PORT, "1", "x")); }
        };
        assertThatThrownBy(() -> new ConfigCatalog(List.of(), List.of(stray))).hasMessageContaining("outside its section");
        assertThatThrownBy(() -> new ConfigCatalog(List.of(TestCatalog.TCP, TestCatalog.TCP), List.of()))
                .hasMessageContaining("registered twice");
        StoreKeys server = new StoreKeys() {
            @Override public String name() { return "server"; }

            @Override public List<ConfigKey> keys() { return List.of(); }
        };
        assertThatThrownBy(() -> new ConfigCatalog(List.of(), List.of(server))).hasMessageContaining("named like a section");
    }
}
