package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: docker} and {@code type: cri} from a config overlay on a real node, over files laid
 * out as Docker's json-file driver and the kubelet lay them out; the rows are read back through the
 * SQL API with their container metadata columns.
 */
class ContainerInputsNodeTest {
    private static final String ID = "9c2b7e1f0a3d4c5b6a7980f1e2d3c4b5a6978f0e1d2c3b4a5968778695a4b3c2";
    private static final String UID = "0b8e4c2a-1f3d-4e5b-9a6c-7d8e9f0a1b2c";

    @Test
    void dockerJsonFileLinesAreStoredWithTheirContainerAndStream(@TempDir Path dir) throws Exception {
        Path c = Files.createDirectories(dir.resolve("containers/" + ID));
        Files.writeString(c.resolve("config.v2.json"),
                "{\"ID\":\"" + ID + "\",\"Name\":\"/api\",\"Config\":{\"Image\":\"shop/api:2.1\",\"Labels\":{\"team\":\"pay\"}}}");
        Files.writeString(c.resolve(ID + "-json.log"),
                "{\"log\":\"listening on :8080\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-05T05:00:00.000000001Z\"}\n"
                + "{\"log\":\"deprecated flag\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-05T05:00:01Z\"}\n");
        String overlay = "inputs:\n  - type: docker\n    name: docker\n    paths: [\"" + dir.resolve("containers") + "/*/*-json.log\"]\n";
        String rows = rows(dir, overlay, "SELECT message, source, container_id, container_name, tag, epoch_ns(ts) FROM logs ORDER BY message",
                "listening");
        assertThat(rows).contains("[\"deprecated flag\",\"stderr\",\"" + ID + "\",\"api\",\"docker.api\"")
                .contains("[\"listening on :8080\",\"stdout\",\"" + ID + "\",\"api\",\"docker.api\",1796446800000000001]");
    }

    @Test
    void criLinesAreStoredWithTheirPodMetadata(@TempDir Path dir) throws Exception {
        Path f = Files.createDirectories(dir.resolve("pods/shop_cart-5f7d9c-q8k2m_" + UID + "/cart")).resolve("0.log");
        Files.writeString(f, "2026-12-05T05:00:00Z stdout P cart ready \n2026-12-05T05:00:00Z stdout F on :9000\n"
                + "2026-12-05T05:00:02Z stderr F warn: cache cold\n");
        String overlay = "inputs:\n  - type: cri\n    name: pods\n    paths: [\"" + dir.resolve("pods") + "/*/*/*.log\"]\n";
        String rows = rows(dir, overlay, "SELECT message, source, container_name, k8s_namespace, k8s_pod, k8s_pod_uid, k8s_container, tag"
                + " FROM logs ORDER BY message", "warn");
        assertThat(rows).contains("[\"cart ready on :9000\",\"stdout\",\"cart\",\"shop\",\"cart-5f7d9c-q8k2m\",\"" + UID
                        + "\",\"cart\",\"kube.shop.cart-5f7d9c-q8k2m.cart\"]")
                .contains("[\"warn: cache cold\",\"stderr\",\"cart\",\"shop\"");
    }

    /** Starts a node with {@code overlay} and polls {@code sql} until its answer holds {@code until}. */
    private static String rows(Path dir, String overlay, String sql, String until) throws Exception {
        try (TestNode t = TestNode.start(dir, overlay)) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            String rows = "";
            while (System.nanoTime() < deadline && !rows.contains(until)) {
                t.flush();
                rows = t.post("/api/v1/sql", "{\"sql\": \"" + sql + "\"}", Map.of()).body();
                Thread.sleep(100);
            }
            return rows;
        }
    }
}
