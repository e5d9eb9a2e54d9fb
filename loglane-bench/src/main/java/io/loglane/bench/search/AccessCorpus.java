package io.loglane.bench.search;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The search benchmark's events: {@code events} distinct nginx combined access lines (varied
 * client addresses, methods, paths with ids and query strings, statuses, sizes, referers and
 * user agents, a request time) whose {@code [time_local]} spreads evenly over {@code [fromMillis,
 * toMillis)} in event order, as Docker records. Event {@code i} is a function of {@code (seed, i)}
 * alone, so any frame of the corpus can be built on any thread in any order, and the raw-Lucene
 * reference indexes exactly the lines the server got.
 *
 * <p>Known shares the bench's queries rely on: user agent {@link #COMMON_TERM} in ~{@value
 * #COMMON_PERCENT} % of the lines; {@link #RARE_TERM} (an error code in a checkout path) in
 * 0.01 %; status 404 in ~5 %.
 *
 * <p>Thread-safety: immutable; {@link #record} may be called from any thread.
 */
public final class AccessCorpus {
    /** A substring in ~{@value #COMMON_PERCENT} % of the lines (a user-agent product token). */
    public static final String COMMON_TERM = "Firefox";
    static final int COMMON_PERCENT = 12;
    /** A substring in 0.01 % of the lines: an error code inside a word-like path parameter. */
    public static final String RARE_TERM = "E_CARD_DECLINED";
    /** One line in this many carries {@link #RARE_TERM}. */
    static final int RARE_EVERY = 10_000;

    private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss '+0000'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final String[] METHODS = weighted(new String[] {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"},
            new int[] {72, 15, 5, 3, 3, 2});
    private static final int[] STATUS = weightedInts(new int[] {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 429, 500, 502, 503, 504},
            new int[] {690, 30, 20, 10, 20, 60, 20, 15, 10, 50, 10, 30, 15, 10, 10});
    private static final String[] WORDS = {"boots", "jacket", "socks", "lamp", "chair", "desk", "phone", "case", "charger", "cable",
            "mug", "kettle", "tent", "stove", "backpack", "gloves", "scarf", "watch", "ring", "bracelet", "shirt", "dress", "skirt",
            "hoodie", "sneakers", "sandals", "blender", "toaster", "pillow", "blanket", "monitor", "keyboard", "mouse", "headset"};
    /** Browser, bot and library user agents; Firefox's share is {@link #COMMON_PERCENT} %. */
    private static final String[] AGENTS = weighted(new String[] {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "curl/8.11.0", "python-requests/2.32.3", "okhttp/4.12.0", "kube-probe/1.31", "Go-http-client/1.1"},
            new int[] {30, 14, 14, COMMON_PERCENT, 12, 4, 3, 3, 4, 2, 2});
    private static final String[] REFERERS = {"-", "-", "-", "https://shop.example.com/", "https://shop.example.com/cart",
            "https://www.google.com/", "https://shop.example.com/search?q=boots"};

    private final long seed;
    private final long events;
    private final long fromMillis;
    private final long spanMillis;

    /** @param fromMillis event time of the first line; the last one's is just before {@code toMillis} */
    public AccessCorpus(long seed, long events, long fromMillis, long toMillis) {
        this.seed = seed;
        this.events = events;
        this.fromMillis = fromMillis;
        this.spanMillis = toMillis - fromMillis;
    }

    public long events() { return events; }

    /** Event time of line {@code i}, epoch milliseconds (whole seconds, as {@code [time_local]} has). */
    long timeMillis(long i) {
        long t = fromMillis + (long) (spanMillis * (i / (double) events));
        return t - Math.floorMod(t, 1000L);
    }

    /** The access line of event {@code i}. */
    public String line(long i) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        StringBuilder b = new StringBuilder(320);
        b.append(r.nextInt(1, 224)).append('.').append(r.nextInt(256)).append('.').append(r.nextInt(256)).append('.')
                .append(r.nextInt(1, 255));
        b.append(" - ").append(r.nextInt(20) == 0 ? "user" + r.nextInt(500) : "-").append(" [");
        b.append(TIME_LOCAL.format(Instant.ofEpochMilli(timeMillis(i)))).append("] \"");
        b.append(METHODS[r.nextInt(METHODS.length)]).append(' ');
        path(r, i, b);
        b.append(" HTTP/1.1\" ").append(STATUS[r.nextInt(STATUS.length)]).append(' ').append(r.nextInt(120_000));
        b.append(" \"").append(REFERERS[r.nextInt(REFERERS.length)]).append("\" \"").append(AGENTS[r.nextInt(AGENTS.length)]);
        b.append("\" ").append(r.nextInt(2000) / 1000).append('.').append(String.format(Locale.ROOT, "%03d", r.nextInt(1000)));
        return b.toString();
    }

    private static void path(SplittableRandom r, long i, StringBuilder b) {
        if (i % RARE_EVERY == RARE_EVERY / 2) {
            b.append("/checkout/").append(r.nextInt(1_000_000)).append("/payment?error=").append(RARE_TERM);
            return;
        }
        switch (r.nextInt(12)) {
            case 0 -> b.append("/api/v1/users/").append(r.nextInt(1_000_000));
            case 1, 2 -> b.append("/api/v1/orders/").append(r.nextInt(10_000_000));
            case 3 -> b.append("/api/v1/orders/").append(r.nextInt(10_000_000)).append("/items");
            case 4 -> b.append("/api/v2/search?q=").append(WORDS[r.nextInt(WORDS.length)]).append("&page=").append(r.nextInt(1, 20));
            case 5 -> b.append("/static/js/app.").append(Integer.toHexString(r.nextInt())).append(".js");
            case 6 -> b.append("/images/products/").append(r.nextInt(100_000)).append(".jpg");
            case 7 -> b.append("/products/").append(WORDS[r.nextInt(WORDS.length)]).append('-').append(r.nextInt(10_000));
            case 8 -> b.append("/cart");
            case 9 -> b.append("/healthz");
            case 10 -> b.append("/checkout/").append(r.nextInt(1_000_000)).append("/payment");
            default -> b.append('/');
        }
    }

    /** Event {@code i} as the Docker record Fluent Bit forwards. */
    public Map<String, String> record(long i) {
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put("log", line(i));
        rec.put("container_id", CONTAINERS[(int) (i % CONTAINERS.length)]);
        rec.put("container_name", "/web-" + (i % CONTAINERS.length));
        rec.put("source", "stdout");
        return rec;
    }

    private static final String[] CONTAINERS = {
            "4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b",
            "9a1c3e5a7c9e1b3d5f7a9c1e3b4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c2e4b6d8f",
            "0c2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b4f7c2a9e1b3d5f6a8c0e2b4d6f8a",
            "b3d5f7a9c1e3b4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c2e4b6d8f0a1c3e5a7c9e1"};

    private static String[] weighted(String[] values, int[] weights) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int k = 0; k < values.length; k++) {
            for (int w = 0; w < weights[k]; w++) {
                out.add(values[k]);
            }
        }
        return out.toArray(String[]::new);
    }

    private static int[] weightedInts(int[] values, int[] weights) {
        return java.util.Arrays.stream(weighted(java.util.Arrays.stream(values).mapToObj(String::valueOf).toArray(String[]::new), weights))
                .mapToInt(Integer::parseInt).toArray();
    }
}
