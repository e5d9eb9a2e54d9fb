package io.loglane.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
    @Test
    void returnsTheDecodedKeyReusingItWhileItStaysInItsSlot() {
        KeyCache cache = new KeyCache();
        byte[] rec = "..container_id..log..".getBytes(StandardCharsets.UTF_8);
        var first = cache.get(rec, 2, 12);
        assertThat(first.getValue()).isEqualTo("container_id");
        assertThat(cache.get("container_id".getBytes(StandardCharsets.UTF_8), 0, 12)).isSameAs(first);
        assertThat(cache.get(rec, 16, 3).getValue()).isEqualTo("log");
    }

    @Test
    void manyDistinctKeysCollideInSlotsAndEveryAnswerIsStillRight() {
        KeyCache cache = new KeyCache();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            String key = "k" + rnd.nextInt(2_000) + (rnd.nextBoolean() ? "é" : "");
            byte[] b = ("xx" + key + "yy").getBytes(StandardCharsets.UTF_8);
            int len = key.getBytes(StandardCharsets.UTF_8).length;
            assertThat(cache.get(b, 2, len).getValue()).isEqualTo(key);
        }
        String longKey = "z".repeat(KeyCache.MAX_KEY_BYTES + 1);
        assertThat(cache.get(longKey.getBytes(StandardCharsets.UTF_8), 0, longKey.length()).getValue()).isEqualTo(longKey);
    }
}
