package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * The Explorer page in real headless Chromium against a real node whose error lane is indexed (the
 * bundled config): events sent over HTTP ingest are found and shown newest first with their fields;
 * a histogram click or drag zooms the range and writes it into the URL; the URL alone reproduces a
 * view (lane, query, range, open hit) and back restores the one before; log lines full of markup
 * stay text, and control characters (sent over Forward as raw msgpack str bytes) show as marked escapes,
 * invalid UTF-8 as U+FFFD; a refused query is marked at the position the server names and clears the
 * field sidebar; declared fields without values are listed apart, not as 0 %; Esc closes the open hit.
 * A lane without an index (audit) is searched in its archive: the "searched:" line says so, an
 * archive hit opens without a context view, and a part no store could search is a visible warning;
 * a lane in neither store says what to do.
 * Screenshots (some in the dark scheme too) go to {@code target/browser/explorer-*.png}.
 *
 * <p>Skipped, with the reason, where no Chromium or chromedriver is installed ({@link HeadlessChromium}).
 */
class ExplorerIT {
    @TempDir
    static Path dir;
    private static ChildNode node;
    private static HeadlessChromium browser;
    private static String skipped;

    @BeforeAll
    static void start() throws Exception {
        skipped = HeadlessChromium.missing();
        if (skipped != null) {
            return;
        }
        browser = HeadlessChromium.open();
        node = Nodes.startWithOverlay(dir, Nodes.FLUSH_ON_REQUEST + NOT_SEARCHABLE);
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            lines.append(ChildNode.JSON.writeValueAsString(Map.of("message", "payment " + i + " failed: card declined",
                    "level", i % 2 == 0 ? "WARN" : "ERROR", "order", Map.of("id", "o-" + i, "amount", i * 10)))).append('\n');
        }
        lines.append(ChildNode.JSON.writeValueAsString(Map.of("message", WebUiIT.MARKUP, "level", "ERROR"))).append('\n');
        assertThat(node.post("/api/v1/ingest/app.error", lines.toString(), Map.of()).statusCode()).isEqualTo(202);
        sendForward("app.error", CONTROL);
        // searchable near-real-time: wait until the index answers with all seven
        browser.await(d -> {
            try {
                return ChildNode.JSON.readTree(node.get("/api/v1/search?lane=error&from=1h").body()).get("total").asInt() == 7;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The activity lane kept in neither the index nor the archive: a lane the Explorer cannot search (audit stays archive only). */
    private static final String NOT_SEARCHABLE = """
            lanes:
              activity:
                to: []
            """;

    /** Markup, NUL, an ANSI colour and a lone carriage return, as a peer's raw msgpack str bytes (valid UTF-8). */
    private static final byte[] CONTROL = "<b>bold?</b> NUL\u0000 \u001b[31mRED\u001b[0m fake\rover ctl_marker".getBytes(StandardCharsets.UTF_8);
    /** How the rows draw {@link #CONTROL}: each control character as a marked escape, as {@code ./loglane search} prints it. */
    private static final String CONTROL_SHOWN = "<b>bold?</b> NUL\\0 \\e[31mRED\\e[0m fake\\rover ctl_marker";

    /** One Forward Message-mode frame whose message is {@code bytes} as a raw msgpack str; waits for the ack. */
    private static void sendForward(String tag, byte[] bytes) throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(4).packString(tag).packLong(System.currentTimeMillis() / 1000);
        p.packMapHeader(1).packString("message").packRawStringHeader(bytes.length).writePayload(bytes);
        p.packMapHeader(1).packString("chunk").packString("raw-" + System.nanoTime());
        try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
            c.send(p.toByteArray());
            assertThat(c.readAck()).startsWith("raw-");
        }
    }

    @BeforeEach
    void needsABrowser() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        Nodes.stop(node);
    }

    private static String url(String pathAndQuery) {
        return "http://127.0.0.1:" + node.httpPort + pathAndQuery;
    }

    private static String explorer(Map<String, String> params) {
        StringBuilder s = new StringBuilder("/explorer");
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
            sep = '&';
        }
        return url(s.toString());
    }


    /** The messages of the drawn rows, top to bottom, once the status line says the search answered. */
    @SuppressWarnings("unchecked")
    private static List<String> messages() {
        browser.await(d -> d.findElement(By.cssSelector("p.status")).getText().contains(" loaded"));
        return (List<String>) browser.driver.executeScript(
                "return [...document.querySelectorAll('.results-pane .hit')].sort((a, b) => a.offsetTop - b.offsetTop)"
                        + ".map(r => r.querySelector('.msg').textContent);");
    }

    /** Switches live tail on and waits until it is live or stopped; answers the live state's text. */
    private static String startLiveTail() {
        browser.driver.findElement(By.id("explorer-live")).click();
        return browser.await(d -> {
            String st = d.findElement(By.cssSelector(".live-state")).getText();
            return st.startsWith("live") || st.startsWith("Live tail stopped") ? st : null;
        });
    }

    /** Saves {@code name}.png and, in the dark scheme, {@code name}-dark.png; the page is left light. */
    private static void screenshotLightAndDark(String name) throws Exception {
        browser.screenshot(name);
        browser.colorScheme("dark");
        browser.screenshot(name + "-dark");
        browser.colorScheme("light");
    }

    private static String status() {
        return browser.driver.findElement(By.cssSelector("p.status")).getText();
    }

    @Test
    void searchShowsHitsSentOverHttpIngestNewestFirstAndOpensOne() throws Exception {
        browser.driver.get(url("/explorer"));
        WebElement query = browser.await(d -> d.findElement(By.id("explorer-query")));
        assertThat(browser.urlState()).containsEntry("lane", "access");
        new Select(browser.driver.findElement(By.id("explorer-lane"))).selectByValue("error");
        browser.await(d -> browser.urlState().getOrDefault("lane", "").equals("error"));
        browser.driver.findElement(By.tagName("body")).sendKeys("/");
        assertThat(browser.driver.switchTo().activeElement()).as("/ focuses the query").isEqualTo(query);
        query.sendKeys("payment", Keys.ENTER);
        browser.await(d -> "payment".equals(browser.urlState().get("q")));
        List<String> shown = messages();
        assertThat(shown).containsExactly(
                "payment 5 failed: card declined", "payment 4 failed: card declined", "payment 3 failed: card declined",
                "payment 2 failed: card declined", "payment 1 failed: card declined");
        assertThat(status()).startsWith("5 hits");
        assertThat(browser.driver.findElement(By.cssSelector(".syntax-shown")).getText()).isEqualTo("syntax: filter");
        assertThat(browser.driver.findElement(By.cssSelector(".results-pane .hit .level")).getText()).isEqualTo("ERROR");
        browser.screenshot("explorer-search");

        browser.driver.findElements(By.cssSelector(".results-pane .hit")).stream()
                .filter(r -> r.getText().contains("payment 4")).findFirst().orElseThrow().click();
        WebElement fields = browser.await(d -> d.findElement(By.cssSelector(".hit-open table.fields")));
        assertThat(browser.urlState()).containsKey("open");
        assertThat(fields.getText()).contains("order.id o-4", "order.amount 40", "level WARN");
        JsonNode json = ChildNode.JSON.readTree(browser.driver.findElement(By.cssSelector(".hit-open pre.json")).getText());
        assertThat(json.path("order").path("id").asText()).isEqualTo("o-4");
        screenshotLightAndDark("explorer-open-hit");
    }

    @Test
    void clickingAndDraggingTheHistogramZoomsTheRangeInTheUrl() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h")));
        WebElement over = browser.await(d -> d.findElement(By.cssSelector(".histogram .u-over")));
        long interval = Long.parseLong(browser.driver.findElement(By.cssSelector(".histogram")).getDomAttribute("data-interval-ms"));
        assertThat(messages()).hasSize(7);
        browser.screenshot("explorer-histogram");

        // drag across the whole plot: whole buckets, everything still in range
        int w = over.getSize().getWidth();
        // in steps: the chart follows the pointer once per animation frame
        Actions drag = new Actions(browser.driver).moveToElement(over, -w / 2 + 2, 0).clickAndHold();
        for (int i = 0; i < 4; i++) {
            drag.moveByOffset((w - 4) / 4, 0).pause(Duration.ofMillis(100));
        }
        drag.release().perform();
        browser.await(d -> !"1h".equals(browser.urlState().get("from")));
        Instant from = Instant.parse(browser.urlState().get("from"));
        Instant to = Instant.parse(browser.urlState().get("to"));
        assertThat((to.toEpochMilli() - from.toEpochMilli()) % interval).as("whole buckets").isZero();
        assertThat(Instant.now().minusSeconds(3600 + 2 * interval / 1000)).as("the first bucket of the last hour").isBefore(from);
        assertThat(messages()).hasSize(7);

        // a click on the bar that holds the events zooms to that one bucket, and they are still shown
        long sent = Instant.parse(ChildNode.JSON.readTree(node.get("/api/v1/search?lane=error&from=1h&limit=1").body())
                .get("hits").get(0).get("ts").asText()).toEpochMilli();
        // read the chart and click in one go, again if it was drawn anew in between (as when the zoom's answer arrives)
        Click click = browser.await(d -> {
            WebElement bars = d.findElement(By.cssSelector(".histogram[data-start] .u-over"));
            WebElement chart = d.findElement(By.cssSelector(".histogram"));
            long chartStart = Instant.parse(chart.getDomAttribute("data-start")).toEpochMilli();
            long chartInterval = Long.parseLong(chart.getDomAttribute("data-interval-ms"));
            int buckets = Integer.parseInt(chart.getDomAttribute("data-buckets"));
            int b = (int) ((sent - chartStart) / chartInterval);
            int width = bars.getSize().getWidth();
            double x = (b + 0.5) / buckets * width;
            new Actions(d).moveToElement(bars, (int) Math.round(x - width / 2.0), 0).click().perform();
            return new Click(chartStart, chartInterval, b);
        });
        long start = click.start();
        long zoomedInterval = click.interval();
        int bucket = click.bucket();
        browser.await(d -> !to.equals(Instant.parse(browser.urlState().get("to"))) || !from.equals(Instant.parse(browser.urlState().get("from"))));
        Map<String, String> zoomed = browser.urlState();
        Instant zoomFrom = Instant.parse(zoomed.get("from"));
        assertThat(zoomFrom.toEpochMilli()).isEqualTo(start + bucket * zoomedInterval);
        assertThat(Instant.parse(zoomed.get("to")).toEpochMilli() - zoomFrom.toEpochMilli()).as("one bucket").isEqualTo(zoomedInterval);
        // the bucket of the newest event: other tests' events sent later may have moved some of the seven into an older bucket
        int inBucket = ChildNode.JSON.readTree(node.get("/api/v1/search?lane=error&limit=100&from=" + zoomFrom.toEpochMilli()
                + "&to=" + (zoomFrom.toEpochMilli() + zoomedInterval)).body()).get("hits").size();
        assertThat(inBucket).as("the clicked bucket holds the newest event").isPositive();
        browser.await(d -> messages().size() == inBucket);
        assertThat(messages()).as("exactly the events of the clicked bucket").hasSize(inBucket);
        browser.await(d -> d.findElement(By.cssSelector("p.status")).getText().contains(" loaded"));
        browser.screenshot("explorer-zoomed");

        browser.driver.navigate().back();
        browser.await(d -> from.equals(Instant.parse(browser.urlState().get("from"))));
        assertThat(Instant.parse(browser.driver.findElement(By.id("explorer-from")).getDomProperty("value"))).isEqualTo(from);
    }

    /** Where a click on the histogram went: the chart's first bucket, its bucket width and the bucket clicked. */
    private record Click(long start, long interval, int bucket) {}

    @Test
    void theUrlAloneReproducesTheViewAndBackRestoresTheOneBefore() throws Exception {
        JsonNode answer = ChildNode.JSON.readTree(node.get("/api/v1/search?lane=error&from=1h&q=" + URLEncoder.encode("\"payment 2\"", StandardCharsets.UTF_8)).body());
        String offset = answer.get("hits").get(0).get("offset").asText();
        String from = Instant.now().minusSeconds(3000).toString();
        String to = Instant.now().plusSeconds(60).toString();
        Map<String, String> view = new LinkedHashMap<>();
        view.put("lane", "error");
        view.put("q", "payment");
        view.put("from", from);
        view.put("to", to);
        view.put("open", offset);
        browser.driver.get(explorer(view));
        assertThat(messages()).hasSize(5);
        WebElement open = browser.await(d -> d.findElement(By.cssSelector(".results-pane .hit.open")));
        assertThat(open.getText()).contains("payment 2 failed");
        assertThat(browser.driver.findElement(By.cssSelector(".hit-open table.fields")).getText()).contains("order.id o-2");
        assertThat(browser.driver.findElement(By.id("explorer-query")).getDomProperty("value")).isEqualTo("payment");
        assertThat(browser.driver.findElement(By.id("explorer-from")).getDomProperty("value")).isEqualTo(from);
        assertThat(browser.driver.findElement(By.id("explorer-to")).getDomProperty("value")).isEqualTo(to);
        assertThat(browser.urlState()).isEqualTo(view);
        browser.screenshot("explorer-from-url");

        WebElement query = browser.driver.findElement(By.id("explorer-query"));
        query.clear();
        query.sendKeys("\"payment 3\"", Keys.ENTER);
        browser.await(d -> messages().equals(List.of("payment 3 failed: card declined")));
        assertThat(browser.urlState()).doesNotContainKey("open");

        browser.driver.navigate().back();
        browser.await(d -> messages().size() == 5);
        assertThat(browser.urlState()).isEqualTo(view);
        assertThat(browser.driver.findElement(By.id("explorer-query")).getDomProperty("value")).isEqualTo("payment");
        browser.await(d -> d.findElement(By.cssSelector(".hit-open table.fields")).getText().contains("order.id o-2"));
    }

    @Test
    void markupInLogLinesStaysText() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "onerror")));
        assertThat(messages()).containsExactly(WebUiIT.MARKUP);
        browser.driver.findElement(By.cssSelector(".results-pane .hit")).click();
        WebElement json = browser.await(d -> d.findElement(By.cssSelector(".hit-open pre.json")));
        assertThat(ChildNode.JSON.readTree(json.getText()).get("message").asText()).isEqualTo(WebUiIT.MARKUP);
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.driver.findElements(By.tagName("img"))).as("no injected image").isEmpty();
        assertThat(browser.driver.findElements(By.tagName("b"))).as("no markup from the log").hasSize(2); // the syntax help's own two
        assertThat(browser.driver.findElements(By.cssSelector("main script"))).isEmpty();
        browser.screenshot("explorer-markup-as-text");

        // the API's own answer, opened in the browser, is JSON shown as text too
        browser.driver.get(url("/api/v1/search?lane=error&from=1h&q=onerror"));
        String shown = browser.driver.findElement(By.tagName("body")).getText();
        assertThat(ChildNode.JSON.readTree(shown).get("hits").get(0).get("message").asText()).isEqualTo(WebUiIT.MARKUP);
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(browser.driver.findElements(By.tagName("script"))).isEmpty();
    }

    @Test
    void anInvalidQueryIsMarkedAtThePositionTheServerNames() throws Exception {
        for (String bad : List.of("{ $.level = }", "level:(ERROR AND")) {
            JsonNode refused = ChildNode.JSON.readTree(node.get("/api/v1/search?lane=error&q=" + URLEncoder.encode(bad, StandardCharsets.UTF_8)).body());
            browser.driver.get(explorer(Map.of("lane", "error", "q", bad)));
            WebElement error = browser.await(d -> d.findElement(By.cssSelector(".query-error:not([hidden]) pre.at")));
            String position = browser.driver.findElement(By.cssSelector(".query-error")).getDomAttribute("data-position");
            int expected = refused.has("position") ? refused.get("position").asInt() : luceneColumn(refused.get("error").asText()) - 1;
            assertThat(Integer.parseInt(position)).as(refused.toString()).isEqualTo(expected);
            String[] lines = error.getText().split("\n");
            assertThat(lines[0]).isEqualTo(bad);
            assertThat(lines[1].indexOf('^')).as("the caret under the position").isEqualTo(Math.min(expected, bad.length()));
            assertThat(browser.driver.findElement(By.cssSelector(".query-error .message")).getText())
                    .isEqualToIgnoringWhitespace(refused.get("error").asText().replaceFirst("^bad_query: ", ""));
            assertThat(browser.driver.findElement(By.id("explorer-query")).getDomAttribute("aria-invalid")).isEqualTo("true");
            browser.screenshot("explorer-invalid-" + refused.get("syntax").asText());
        }
    }

    @Test
    void theResultsPaneStaysSmallWhileScrollingThousandsOfLoadedHits() throws Exception {
        int events = 3_000;
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= events; i++) {
            lines.append(ChildNode.JSON.writeValueAsString(Map.of("message", "trace line " + i))).append('\n');
        }
        assertThat(node.post("/api/v1/ingest/app.trace", lines.toString(), Map.of()).statusCode()).isEqualTo(202);
        browser.await(d -> {
            try {
                // the total is exact only up to the index's counting threshold: count the hits
                return ChildNode.JSON.readTree(node.get("/api/v1/search?lane=trace&from=1h&limit=10000").body()).get("hits").size() == events;
            } catch (Exception e) {
                return false;
            }
        });
        browser.driver.get(explorer(Map.of("lane", "trace", "from", "1h")));
        browser.await(d -> status().contains(" hits · 500 loaded"));
        String total = browser.driver.findElement(By.cssSelector("p.status .total")).getText();
        assertThat(total).as("a lower bound says so").matches(browser.driver.findElement(By.cssSelector("p.status .total"))
                .getDomAttribute("data-relation").equals("eq") ? "3,000 hits" : "≥ [0-9,]+ hits");
        while (!status().contains(" 3,000 loaded")) {
            String before = status();
            browser.driver.findElement(By.cssSelector("button.more")).click();
            browser.await(d -> !status().equals(before));
        }
        assertThat(browser.driver.findElement(By.cssSelector("button.more")).isDisplayed()).as("no more pages").isFalse();
        assertThat(status()).as("all loaded: the total is exact").startsWith("3,000 hits · 3,000 loaded");
        int most = 0;
        for (int step = 0; step <= 10; step++) {
            browser.driver.executeScript("const p = document.querySelector('.results-pane'); p.scrollTop = (p.scrollHeight - p.clientHeight) * arguments[0] / 10;", step);
            long nodes = browser.await(d -> (Long) browser.driver.executeScript("""
                    return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() =>
                      r(document.querySelector('.results-pane').querySelectorAll('*').length))));"""));
            most = Math.max(most, (int) nodes);
        }
        assertThat(most).as("elements in the results pane at most").isLessThan(1_400);
        assertThat(messages()).last().isEqualTo("trace line 1");
        assertThat(messages()).contains("trace line 2");
        browser.screenshot("explorer-scrolled-to-the-oldest");
    }

    @Test
    void liveTailShowsALineSentAfterThePageOpened() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "tailed")));
        browser.await(d -> status().contains(" loaded"));
        String state = startLiveTail();
        // the tail route is another item's; where this server has none, the page says so and the test stops here
        Assumptions.assumeTrue(state.startsWith("live"), "no live tail on this server: " + state);
        assertThat(node.post("/api/v1/ingest/app.error", "{\"message\": \"tailed <i>now</i>\"}\n", Map.of()).statusCode()).isEqualTo(202);
        browser.await(d -> messages().equals(List.of("tailed <i>now</i>")));
        assertThat(browser.driver.findElement(By.cssSelector(".live-state")).getText()).startsWith("live · 1 new above the search");
        assertThat(browser.driver.findElements(By.tagName("i"))).isEmpty();
        browser.screenshot("explorer-live-tail");
    }

    @Test
    void aTopValueOfTheFieldSidebarNarrowsTheHits() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "message:payment")));
        assertThat(messages()).hasSize(5);
        browser.await(d -> d.findElement(By.cssSelector(".field-sidebar li[data-field='attrs.level'] button.field-name"))).click();
        browser.await(d -> "attrs.level".equals(browser.urlState().get("field")));
        WebElement warn = browser.await(d -> d.findElement(By.cssSelector(".field-sidebar tr[data-value='WARN']")));
        assertThat(warn.getText()).contains("WARN", "2", "40%");
        assertThat(browser.driver.findElement(By.cssSelector(".top-values .denominator")).getText()).startsWith("of 5 matches");
        browser.screenshot("explorer-field-top-values");

        warn.findElement(By.cssSelector("button.include")).click();
        browser.await(d -> "message:payment AND attrs.level:\"WARN\"".equals(browser.urlState().get("q")));
        browser.await(d -> messages().equals(List.of("payment 4 failed: card declined", "payment 2 failed: card declined")));
        assertThat(browser.urlState()).containsEntry("syntax", "lucene");
        browser.screenshot("explorer-field-included");

        browser.await(d -> d.findElement(By.cssSelector(".field-sidebar tr[data-value='WARN'] button.exclude"))).click();
        browser.await(d -> "message:payment AND attrs.level:\"WARN\" AND NOT attrs.level:\"WARN\"".equals(browser.urlState().get("q")));
        browser.await(d -> status().startsWith("0 hits"));
        // the empty state says what to do, and one of its links clears the query
        WebElement empty = browser.await(d -> d.findElement(By.cssSelector(".results-pane .empty-state")));
        assertThat(empty.getText()).contains("No hits in error", "Widen the range", "search everything");
        screenshotLightAndDark("explorer-no-hits");
        empty.findElement(By.cssSelector("a.clear-query")).click();
        browser.await(d -> !browser.urlState().containsKey("q"));
        assertThat(messages()).hasSizeGreaterThanOrEqualTo(7);
    }

    @Test
    void theContextViewShowsTheNeighboursOfTheOpenHitWithItMarked() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "payment")));
        messages();
        browser.driver.findElements(By.cssSelector(".results-pane .hit")).stream()
                .filter(r -> r.getText().contains("payment 3")).findFirst().orElseThrow().click();
        browser.await(d -> d.findElement(By.cssSelector(".hit-open button.show-context"))).click();
        WebElement anchor = browser.await(d -> d.findElement(By.cssSelector(".context-lines li.anchor")));
        assertThat(anchor.getText()).contains("payment 3 failed");
        assertThat(anchor.getAttribute("aria-current")).isEqualTo("true");
        assertThat(browser.driver.findElements(By.cssSelector(".context-lines li.anchor"))).hasSize(1);
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) browser.driver.executeScript(
                "return [...document.querySelectorAll('.context-lines li')].map(l => l.querySelector('.msg').textContent);");
        int at = lines.indexOf("payment 3 failed: card declined");
        assertThat(lines.subList(0, at)).containsSubsequence("payment 1 failed: card declined", "payment 2 failed: card declined");
        assertThat(lines.subList(at + 1, lines.size())).containsSubsequence("payment 4 failed: card declined", "payment 5 failed: card declined");
        // the markup line is a neighbour too, as text
        assertThat(lines).contains(WebUiIT.MARKUP);
        assertThat(browser.driver.findElements(By.cssSelector(".context-lines b, .context-lines img"))).isEmpty();
        browser.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", anchor);
        browser.screenshot("explorer-context");
    }

    @Test
    void controlCharactersAndInvalidUtf8InLogLinesAreShownAsTextWithVisibleSymbols() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "ctl_marker")));
        assertThat(messages()).containsExactly(CONTROL_SHOWN);
        assertThat(browser.driver.findElements(By.cssSelector(".results-pane .hit .msg span.ctl"))).extracting(WebElement::getText)
                .containsExactly("\\0", "\\e", "\\e", "\\r");
        browser.driver.findElement(By.cssSelector(".results-pane .hit")).click();
        WebElement json = browser.await(d -> d.findElement(By.cssSelector(".hit-open pre.json")));
        assertThat(ChildNode.JSON.readTree(json.getText()).get("message").asText()).as("the JSON keeps the original")
                .isEqualTo(new String(CONTROL, StandardCharsets.UTF_8));
        assertThat(json.getText()).contains("\\u0000", "\\u001b[31m", "\\r");
        assertThat(browser.driver.findElement(By.cssSelector(".hit-open table.fields")).getText()).contains(CONTROL_SHOWN);
        assertThat(browser.driver.findElements(By.cssSelector("main b"))).as("no markup from the log").hasSize(2); // the syntax help's own
        screenshotLightAndDark("explorer-control-characters");

        // invalid UTF-8 reaches the page through the live tail (a search over it is answered 500 by the index today)
        browser.driver.get(explorer(Map.of("lane", "access", "from", "1h", "q", "utf8_marker")));
        browser.await(d -> status().contains(" loaded") || status().contains("failed"));
        String state = startLiveTail();
        Assumptions.assumeTrue(state.startsWith("live"), "no live tail on this server: " + state);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        line.writeBytes("\u001b[31mRED ".getBytes(StandardCharsets.UTF_8));
        line.writeBytes(new byte[] {(byte) 0xC3, 0x28, ' ', (byte) 0xFF, ' '}); // a cut-off 2-byte sequence, and a byte UTF-8 never has
        line.writeBytes("utf8_marker".getBytes(StandardCharsets.UTF_8));
        sendForward("app.access", line.toByteArray());
        browser.await(d -> messages().equals(List.of("\\e[31mRED \uFFFD( \uFFFD utf8_marker")));
        browser.screenshot("explorer-invalid-utf8-tailed");
    }

    @Test
    void declaredFieldsWithoutValuesAreListedApartAndAFailedSearchClearsTheSidebar() throws Exception {
        JsonNode fields = ChildNode.JSON.readTree(node.get("/api/v1/fields?lane=error&from=1h&q=payment").body());
        List<String> absent = new java.util.ArrayList<>();
        fields.get("fields").forEach(f -> {
            if (f.get("count").asLong() == 0) {
                absent.add(f.get("name").asText());
            }
        });
        assertThat(absent).as("the error lane declares fields these lines lack").isNotEmpty();
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "payment")));
        assertThat(messages()).hasSize(5);
        WebElement apart = browser.await(d -> d.findElement(By.cssSelector(".field-sidebar details.absent-fields")));
        assertThat(apart.findElement(By.tagName("summary")).getText()).isEqualTo(absent.size() + " not in these matches");
        @SuppressWarnings("unchecked")
        List<String> listed = (List<String>) browser.driver.executeScript(
                "return [...document.querySelectorAll('.field-sidebar > ul.fields-list > li')].map(li => li.textContent);");
        assertThat(listed).isNotEmpty().noneMatch(t -> t.endsWith(" 0%"));
        for (String name : absent) {
            assertThat(browser.driver.findElements(By.cssSelector(".field-sidebar > ul.fields-list > li[data-field='" + name + "']"))).isEmpty();
        }
        assertThat(browser.driver.findElement(By.cssSelector("p.searched")).getText()).as("which store answered which part")
                .matches("searched: index [^·]+ → now( · archive .+)?"); // the archive holds what is older, once flushed
        apart.findElement(By.tagName("summary")).click();
        browser.screenshot("explorer-fields-not-in-matches");

        WebElement query = browser.driver.findElement(By.id("explorer-query"));
        query.clear();
        query.sendKeys("level:(ERROR AND", Keys.ENTER);
        browser.await(d -> d.findElement(By.cssSelector(".query-error:not([hidden])")));
        browser.await(d -> d.findElements(By.cssSelector(".field-sidebar > *")).isEmpty());
        assertThat(browser.driver.findElement(By.cssSelector(".field-sidebar")).isDisplayed()).as("no fields of the previous query").isFalse();
        assertThat(browser.driver.findElement(By.cssSelector(".query-error .what-to-do")).getText()).startsWith("Fix it at the caret");
        browser.screenshot("explorer-failed-search-no-stale-fields");
        browser.colorScheme("dark");
        browser.screenshot("explorer-failed-search-dark");
        browser.colorScheme("light");
    }

    @Test
    void escClosesTheOpenHitFromAnywhereOnThePage() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "payment")));
        messages();
        browser.driver.findElements(By.cssSelector(".results-pane .hit")).getFirst().click();
        browser.await(d -> d.findElement(By.cssSelector(".hit-open")));
        assertThat(browser.urlState()).containsKey("open");
        browser.driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        browser.await(d -> d.findElements(By.cssSelector(".hit-open")).isEmpty());
        assertThat(browser.urlState()).doesNotContainKey("open");
        assertThat(browser.driver.findElements(By.cssSelector(".results-pane .hit.open"))).isEmpty();

        // from a button inside the open hit: closed, and the keyboard is back on the list
        browser.driver.findElements(By.cssSelector(".results-pane .hit")).get(1).click();
        WebElement context = browser.await(d -> d.findElement(By.cssSelector(".hit-open button.show-context")));
        new Actions(browser.driver).moveToElement(context).perform();
        browser.driver.executeScript("arguments[0].focus()", context);
        context.sendKeys(Keys.ESCAPE);
        browser.await(d -> d.findElements(By.cssSelector(".hit-open")).isEmpty());
        assertThat(browser.driver.switchTo().activeElement().getDomAttribute("class")).isEqualTo("results-pane");
        browser.driver.switchTo().activeElement().sendKeys("j");
        browser.await(d -> d.findElement(By.cssSelector(".hit-open")));
        assertThat(browser.urlState()).containsKey("open");
    }

    @Test
    void theRowsComeFirstThenTheHistogramAndTheFieldsWithoutRedrawingTheRows() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "error", "from", "1h", "q", "payment")));
        assertThat(messages()).hasSize(5);
        WebElement first = browser.driver.findElement(By.cssSelector(".results-pane .hit"));
        browser.await(d -> d.findElement(By.cssSelector(".histogram .u-over")));
        browser.await(d -> d.findElement(By.cssSelector(".field-sidebar .denominator")));
        // the histogram arriving resizes the page: the rows stay the same elements (a row under the pointer stays clickable)
        assertThat(first.getText()).contains("payment 5");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Number>> requests = (Map<String, Map<String, Number>>) browser.driver.executeScript("""
                const out = {};
                for (const e of performance.getEntriesByType('resource')) {
                  const path = new URL(e.name).pathname;
                  if (path.startsWith('/api/v1/')) out[path] = {start: e.startTime, end: e.responseEnd};
                }
                return out;""");
        double rows = requests.get("/api/v1/search").get("end").doubleValue();
        // both read every match: asked while the search runs they would compete with it for the server's cores
        assertThat(requests.get("/api/v1/histogram").get("start").doubleValue()).as("the histogram after the rows").isGreaterThanOrEqualTo(rows);
        assertThat(requests.get("/api/v1/fields").get("start").doubleValue()).as("the fields after the rows").isGreaterThanOrEqualTo(rows);
    }

    private static boolean auditSent;

    /** Three audit events (a lane with the archive only), sent over HTTP ingest once and flushed into the archive. */
    private static synchronized void sendAuditOnce() throws Exception {
        if (auditSent) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        Instant now = Instant.now();
        for (int i = 1; i <= 3; i++) {
            // a second apart in event time, so newest first is one order
            lines.append(ChildNode.JSON.writeValueAsString(Map.of("message", "grant " + i + " to alice cold_marker", "time", now.minusSeconds(4 - i).toString(),
                    "actor", "alice", "action", "grant-" + i, "tags", List.of("finance")))).append('\n');
        }
        assertThat(node.post("/api/v1/ingest/app.audit", lines.toString(), Map.of()).statusCode()).isEqualTo(202);
        node.flush();
        auditSent = true;
    }

    @Test
    void anArchiveOnlyLaneIsSearchedInTheArchiveAndItsHitsOpenWithoutContext() throws Exception {
        sendAuditOnce();
        JsonNode api = ChildNode.JSON.readTree(node.get("/api/v1/search?lane=audit&from=1h&q=cold_marker").body());
        assertThat(api.get("total").asInt()).as(api.toString()).isEqualTo(3);
        assertThat(api.get("hits").get(0).get("store").asText()).isEqualTo("archive");

        browser.driver.get(explorer(Map.of("lane", "audit", "from", "1h", "q", "cold_marker")));
        assertThat(messages()).containsExactly("grant 3 to alice cold_marker", "grant 2 to alice cold_marker", "grant 1 to alice cold_marker");
        assertThat(status()).startsWith("3 hits");
        WebElement searched = browser.driver.findElement(By.cssSelector("p.searched"));
        assertThat(searched.getText()).as("the archive answered the whole range").matches("searched: archive [^·]+ → now( \\(.+\\))?");
        JsonNode part = api.get("stores").get(0);
        if (part.has("note")) {
            assertThat(searched.findElement(By.cssSelector(".store-part .note")).getText()).isEqualTo("(" + part.get("note").asText() + ")");
        }
        assertThat(searched.findElements(By.cssSelector(".warning"))).isEmpty();
        Select lane = new Select(browser.driver.findElement(By.id("explorer-lane")));
        browser.await(d -> lane.getOptions().size() > 1); // the lane list arrives alongside the search the link started
        assertThat(lane.getOptions()).extracting(WebElement::getText).contains("error", "audit (archive only)")
                .noneMatch(t -> t.startsWith("activity"));
        browser.screenshot("explorer-archive-only");

        browser.driver.findElements(By.cssSelector(".results-pane .hit")).stream()
                .filter(r -> r.getText().contains("grant 2")).findFirst().orElseThrow().click();
        WebElement open = browser.await(d -> d.findElement(By.cssSelector(".hit-open")));
        String id = browser.urlState().get("open");
        assertThat(id).as("an archive hit is named by its id").startsWith("a");
        assertThat(open.getDomAttribute("data-store")).isEqualTo("archive");
        assertThat(open.findElement(By.cssSelector("table.fields")).getText()).contains("grant-2", "alice").doesNotContain("offset");
        JsonNode json = ChildNode.JSON.readTree(open.findElement(By.cssSelector("pre.json")).getText());
        assertThat(json.get("message").asText()).isEqualTo("grant 2 to alice cold_marker");
        assertThat(open.findElements(By.cssSelector("button.show-context"))).as("no Context for an archived row").isEmpty();
        assertThat(open.findElement(By.cssSelector(".no-context")).getText()).contains("archived rows carry no stream offset");
        assertThat(browser.driver.findElements(By.cssSelector(".results-pane .hit.open"))).hasSize(1);
        screenshotLightAndDark("explorer-archive-hit");

        // the link names the archive hit: a reload opens the same one
        browser.driver.navigate().refresh();
        assertThat(messages()).hasSize(3);
        WebElement reopened = browser.await(d -> d.findElement(By.cssSelector(".results-pane .hit.open")));
        assertThat(reopened.getText()).contains("grant 2 to alice");
        assertThat(browser.urlState()).containsEntry("open", id);
        browser.await(d -> d.findElement(By.cssSelector(".hit-open .no-context")));
    }

    @Test
    void aLineTailedFromAnArchiveOnlyLaneOpensInPlaceWithoutContext() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "audit", "from", "1h", "q", "tailed_cold")));
        browser.await(d -> status().contains(" loaded"));
        String state = startLiveTail();
        Assumptions.assumeTrue(state.startsWith("live"), "no live tail on this server: " + state);
        assertThat(node.post("/api/v1/ingest/app.audit", "{\"message\": \"tailed_cold now\"}\n", Map.of()).statusCode()).isEqualTo(202);
        browser.await(d -> messages().equals(List.of("tailed_cold now")));
        // not in the archive until it flushes: opening it must not search again, or the line would be gone
        browser.driver.findElement(By.cssSelector(".results-pane .hit")).click();
        WebElement open = browser.await(d -> d.findElement(By.cssSelector(".hit-open")));
        assertThat(browser.urlState().get("open")).as("a tailed line is named by its offset's id").startsWith("o");
        assertThat(open.findElement(By.cssSelector("strong")).getText()).startsWith("Hit at offset ");
        assertThat(open.findElements(By.cssSelector("button.show-context"))).as("the context view reads the index").isEmpty();
        assertThat(open.findElement(By.cssSelector(".no-context")).getText()).isEqualTo("No context view: lane audit has no index, which the context view reads.");
        assertThat(messages()).containsExactly("tailed_cold now");
        assertThat(browser.driver.findElement(By.cssSelector(".live-state")).getText()).startsWith("live");
        browser.screenshot("explorer-archive-only-tailed-open");
    }

    @Test
    void aPartNoStoreCouldSearchIsAWarningAndTheAnswerSaysItIsIncomplete() throws Exception {
        sendAuditOnce();
        // a [*] selector has no SQL form: the archive cannot answer it, and an archive-only lane then has nothing covered
        String q = "{ $.tags[*] = \"finance\" }";
        JsonNode api = ChildNode.JSON.readTree(node.get("/api/v1/search?lane=audit&from=1h&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)).body());
        JsonNode part = api.get("stores").get(0);
        assertThat(part.get("covered").asBoolean()).as(api.toString()).isFalse();
        assertThat(api.get("complete").asBoolean()).isFalse();

        browser.driver.get(explorer(Map.of("lane", "audit", "from", "1h", "q", q)));
        browser.await(d -> status().contains(" loaded"));
        WebElement warning = browser.await(d -> d.findElement(By.cssSelector("p.searched .store-part.warning")));
        assertThat(warning.getText()).startsWith("archive ").contains("not searched: " + part.get("reason").asText());
        assertThat(browser.driver.findElement(By.cssSelector("p.searched")).getDomAttribute("role")).isEqualTo("alert");
        assertThat(browser.driver.findElement(By.cssSelector("p.searched .incomplete")).getText())
                .startsWith("· incomplete: a part of the range not searched");
        assertThat(warning.getCssValue("font-weight")).isEqualTo("600");
        assertThat(browser.driver.findElement(By.cssSelector(".results-pane .empty-state .warning")).getText())
                .startsWith("Not all of the range was searched (" + part.get("reason").asText() + ")");
        screenshotLightAndDark("explorer-part-not-searched");
    }

    @Test
    void aLaneInNeitherStoreSaysWhatToDo() throws Exception {
        browser.driver.get(explorer(Map.of("lane", "activity", "from", "1h")));
        WebElement empty = browser.await(d -> d.findElement(By.cssSelector(".empty-state.not-searchable")));
        assertThat(empty.getText()).contains("Lane activity is delivered to neither the index nor the archive",
                "Add \"archive\"", "to: in config/loglane.yaml");
        Select lane = new Select(browser.driver.findElement(By.id("explorer-lane")));
        assertThat(lane.getFirstSelectedOption().getText()).isEqualTo("activity (not searchable)");
        assertThat(lane.getFirstSelectedOption().isEnabled()).isFalse();
        assertThat(status()).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector(".results-pane .hit"))).isEmpty();
        // with no sidebar the message takes the page's width, not the sidebar's column (at most 260 px)
        assertThat(empty.getSize().getWidth()).isGreaterThan(400);
        browser.screenshot("explorer-lane-not-searchable");

        // picking a searchable lane from there searches it
        lane.selectByValue("audit");
        browser.await(d -> status().contains(" loaded"));
        assertThat(browser.driver.findElements(By.cssSelector(".empty-state.not-searchable"))).isEmpty();
    }

    private static int luceneColumn(String message) {
        Matcher m = Pattern.compile("line 1, column (\\d+)").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
