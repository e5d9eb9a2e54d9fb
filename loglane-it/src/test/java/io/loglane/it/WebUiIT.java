package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
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

/**
 * The web UI in real headless Chromium against a real node: the lanes page lists every lane with
 * its delivery state, the SQL console runs a query typed with the keyboard and shows its rows as a
 * table and a chart, the URL alone reproduces a SQL view (and back/forward restore it), and log text
 * full of markup, sent over HTTP ingest and read back through the SQL page, is shown as text: no
 * alert, no injected element. Each test saves screenshots under {@code target/browser/}; the lanes
 * page's largest contentful paint is measured (recorded in {@code target/browser/lcp.txt}, not
 * asserted against a bar).
 *
 * <p>Skipped, with the reason, where no Chromium or chromedriver is installed ({@link HeadlessChromium}).
 */
class WebUiIT {
    /** One log line carrying both classic injection shapes and some plain markup. */
    static final String MARKUP = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> <b>not bold</b>";

    @TempDir
    static Path dir;
    private static ChildNode node;
    private static HeadlessChromium browser;
    private static Path errorLaneArchive;
    /** Why these tests cannot run here, or null. */
    private static String skipped;

    @BeforeAll
    static void start() throws Exception {
        skipped = HeadlessChromium.missing(); // first, so a machine without Chromium starts no node
        errorLaneArchive = dir.resolve("data").resolve("archive").resolve("lane=error");
        if (skipped != null) {
            return;
        }
        browser = HeadlessChromium.open();
        // a file where the archive needs the error lane's directory: its store fails once that lane
        // has events to deliver (only the failing-store test sends any, and removes the file)
        Files.createDirectories(errorLaneArchive.getParent());
        Files.writeString(errorLaneArchive, "not a directory");
        node = Nodes.startWithOverlay(dir, "archive:\n  flush_age: 1h\n");
        String access = """
                {"log": "10.0.0.1 - - [05/Dec/2026:10:00:00 +0000] \\"GET / HTTP/1.1\\" 200 512 \\"-\\" \\"curl/8\\""}
                {"log": "10.0.0.2 - - [05/Dec/2026:10:00:01 +0000] \\"GET /missing HTTP/1.1\\" 404 0 \\"-\\" \\"curl/8\\""}
                {"log": "10.0.0.3 - - [05/Dec/2026:10:01:00 +0000] \\"POST /api HTTP/1.1\\" 500 13 \\"-\\" \\"curl/8\\""}
                """;
        assertThat(node.post("/api/v1/ingest/web.access", access, Map.of()).statusCode()).isEqualTo(202);
        String markup = ChildNode.JSON.writeValueAsString(Map.of("message", MARKUP)) + "\n";
        assertThat(node.post("/api/v1/ingest/app.default", markup, Map.of()).statusCode()).isEqualTo(202);
        node.flush();
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

    private static String sqlUrl(String query, String view) {
        return url("/sql?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8).replace("+", "%20") + (view == null ? "" : "&view=" + view));
    }

    /** The SQL page's result table as text, row by row, once it has {@code rows} rows. */
    private static List<List<String>> resultRows(int rows) {
        browser.await(d -> d.findElements(By.cssSelector("table.results tbody tr")).size() == rows);
        List<List<String>> out = new ArrayList<>();
        for (WebElement tr : browser.driver.findElements(By.cssSelector("table.results tbody tr"))) {
            out.add(tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
        }
        return out;
    }

    /**
     * The lanes table as the user reads it, lane → its cells' text, read in one step: the page
     * redraws the table as it refreshes, so elements looked up one by one could be replaced between
     * two reads.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> laneRows() {
        List<List<String>> rows = (List<List<String>>) browser.driver.executeScript("""
                return [...document.querySelectorAll('tr[data-lane]')]
                  .map(tr => [tr.dataset.lane, ...[...tr.querySelectorAll('td')].map(td => td.innerText.trim())]);
                """);
        Map<String, List<String>> out = new LinkedHashMap<>();
        rows.forEach(r -> out.put(r.get(0), r.subList(1, r.size())));
        return out;
    }

    /** The text of cell {@code i} in the lane's row; empty while the table is not drawn yet. */
    private static String laneCell(String lane, int i) {
        List<String> row = laneRows().get(lane);
        return row == null ? "" : row.get(i);
    }

    @Test
    void lanesPageListsEveryLaneWithItsDeliveryState() throws Exception {
        List<String> lanes = new ArrayList<>();
        for (JsonNode lane : ChildNode.JSON.readTree(node.get("/api/v1/lanes").body()).get("lanes")) {
            lanes.add(lane.get("name").asText());
        }
        browser.driver.get(url("/"));
        Map<String, List<String>> shown = browser.await(d -> {
            Map<String, List<String>> rows = laneRows();
            return rows.size() == lanes.size() ? rows : null;
        });
        assertThat(shown.keySet()).containsExactlyElementsOf(lanes);
        List<String> access = shown.get("access");
        assertThat(access.get(0)).isEqualTo("ok");
        assertThat(access.get(2)).as("accepted").isEqualTo("3");
        assertThat(access.get(6).lines()).as("delivery per store instance (access is indexed by default)")
                .containsExactlyInAnyOrder("archive lag 0", "index lag 0");
        assertThat(browser.driver.findElement(By.cssSelector("nav a[aria-current='page']")).getText()).isEqualTo("Lanes");
        browser.screenshot("lanes");
        browser.colorScheme("dark");
        browser.screenshot("lanes-dark");
        browser.colorScheme("light");

        // the page refreshes by itself: an event sent now shows up without a reload, and the
        // redraw keeps the keyboard focus where the user left it
        browser.driver.executeScript("document.querySelector(\"tr[data-lane='access'] a\").focus();");
        assertThat(node.post("/api/v1/ingest/app.trace", "{\"message\": \"refresh me\"}\n", Map.of()).statusCode()).isEqualTo(202);
        browser.await(d -> laneCell("trace", 2).equals("1"));
        assertThat(browser.driver.executeScript("return document.activeElement.closest('tr[data-lane]')?.dataset.lane ?? document.activeElement.tagName;"))
                .as("focus after a refresh").isEqualTo("access");
    }

    @Test
    void aFailingStoreIsShownWithWhyUntilItDeliversAgain() throws Exception {
        assertThat(node.post("/api/v1/ingest/app.error", "{\"message\": \"boom\"}\n", Map.of()).statusCode()).isEqualTo(202);
        CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
            try {
                node.flush();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            browser.driver.get(url("/"));
            browser.await(Duration.ofSeconds(60), d -> laneCell("error", 0).equals("failing"));
            String problem = browser.await(d -> d.findElement(By.cssSelector("tr.problems")).getText());
            assertThat(problem).startsWith("archive: ").contains("lane=error", "in a row since");
            assertThat(browser.driver.findElements(By.cssSelector("tr[data-lane='error'] .store-error")))
                    .as("the reason is given once, in the problems row").isEmpty();
            browser.screenshot("lanes-failing");
        } finally {
            Files.deleteIfExists(errorLaneArchive);
        }
        flush.get(60, TimeUnit.SECONDS);
        browser.await(Duration.ofSeconds(60), d -> laneCell("error", 0).equals("ok")
                && d.findElements(By.cssSelector("tr.problems")).isEmpty());
    }

    @Test
    void navigationStaysInTheDocument() throws Exception {
        browser.driver.get(url("/"));
        browser.driver.executeScript("window.sameDocument = true;");
        browser.driver.findElement(By.linkText("Explorer")).click();
        browser.await(d -> d.findElement(By.tagName("h1")).getText().equals("Explorer"));
        assertThat(browser.driver.getCurrentUrl()).startsWith(url("/explorer"));
        browser.await(d -> d.findElement(By.id("explorer-query")));
        browser.screenshot("explorer");
        browser.driver.findElement(By.linkText("SQL")).click();
        browser.await(d -> d.findElement(By.tagName("h1")).getText().equals("SQL"));
        assertThat(browser.driver.findElement(By.cssSelector("p.empty-state")).getText()).startsWith("Write a query");
        browser.driver.navigate().back();
        browser.await(d -> d.findElement(By.tagName("h1")).getText().equals("Explorer"));
        assertThat(browser.driver.executeScript("return window.sameDocument === true;")).as("no page reload").isEqualTo(true);
        assertThat(browser.driver.getTitle()).isEqualTo("Explorer · loglane");
    }

    @Test
    void theSqlPageSaysWhatIsNotYetInTheArchiveAndFlushesOnRequest() throws Exception {
        assertThat(node.post("/api/v1/ingest/app.audit", "{\"message\": \"audited\"}\n", Map.of()).statusCode()).isEqualTo(202);
        // flush_age is 1h: the audit event stays out of the archive until a flush
        browser.driver.get(sqlUrl("SELECT message FROM audit", null));
        WebElement pending = browser.await(d -> d.findElement(By.cssSelector("p.status .warning")));
        assertThat(pending.getText()).contains("not yet in the archive", "audit: 1");
        assertThat(browser.driver.findElement(By.cssSelector("p.empty-state")).getText()).startsWith("No rows.");
        browser.screenshot("sql-not-yet-queryable");
        browser.driver.findElement(By.xpath("//button[text()='Flush and run again']")).click();
        assertThat(resultRows(1)).containsExactly(List.of("audited"));
    }

    @Test
    void sqlConsoleRunsAQueryTypedWithTheKeyboardAndShowsRowsAndAChart() throws Exception {
        browser.driver.get(url("/sql"));
        WebElement editor = browser.await(d -> d.findElement(By.id("sql-editor")));
        browser.driver.findElement(By.tagName("body")).sendKeys("/");
        assertThat(browser.driver.switchTo().activeElement()).as("/ focuses the editor").isEqualTo(editor);
        // the single-key shortcut can be turned off (WCAG 2.1.4); Ctrl+K still focuses
        WebElement toggle = browser.driver.findElement(By.id("slash-toggle"));
        toggle.click();
        assertThat(toggle.getText()).isEqualTo("turn / on");
        browser.driver.findElement(By.tagName("body")).sendKeys("/");
        assertThat(browser.driver.switchTo().activeElement()).as("/ is off").isNotEqualTo(editor);
        new Actions(browser.driver).keyDown(Keys.CONTROL).sendKeys("k").keyUp(Keys.CONTROL).perform();
        assertThat(browser.driver.switchTo().activeElement()).as("Ctrl+K focuses the editor").isEqualTo(editor);
        toggle.click();
        assertThat(toggle.getText()).isEqualTo("turn / off");
        editor.click();
        String query = "SELECT status, count(*) AS n FROM access GROUP BY 1 ORDER BY 1";
        new Actions(browser.driver).sendKeys(query).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
        assertThat(resultRows(3)).containsExactly(List.of("200", "1"), List.of("404", "1"), List.of("500", "1"));
        assertThat(browser.driver.findElement(By.cssSelector("p.status")).getText()).startsWith("3 rows");
        assertThat(browser.urlState()).containsExactly(Map.entry("q", query));
        browser.screenshot("sql-table");

        browser.driver.findElement(By.cssSelector("button[data-view='chart']")).click();
        browser.await(d -> d.findElements(By.cssSelector(".chart canvas")).size() == 1);
        assertThat(browser.urlState()).containsExactly(Map.entry("q", query), Map.entry("view", "chart"));
        browser.screenshot("sql-chart");
        browser.colorScheme("dark");
        browser.screenshot("sql-chart-dark");
        browser.colorScheme("light");
    }

    @Test
    void theUrlAloneReproducesTheSqlViewAndBackRestoresTheQueryBefore() throws Exception {
        String first = "SELECT lane, count(*) AS events FROM logs WHERE lane IN ('access', 'default') GROUP BY 1 ORDER BY 1";
        browser.driver.get(sqlUrl(first, "table"));
        assertThat(resultRows(2)).containsExactly(List.of("access", "3"), List.of("default", "1"));
        assertThat(browser.driver.findElement(By.id("sql-editor")).getDomProperty("value")).isEqualTo(first);

        String second = "SELECT count(*) AS all_events FROM logs WHERE lane IN ('access', 'default')";
        WebElement editor = browser.driver.findElement(By.id("sql-editor"));
        editor.clear();
        editor.sendKeys(second);
        browser.driver.findElement(By.cssSelector("button[type='submit']")).click();
        assertThat(resultRows(1)).containsExactly(List.of("4"));

        browser.driver.navigate().back();
        assertThat(resultRows(2)).containsExactly(List.of("access", "3"), List.of("default", "1"));
        assertThat(browser.driver.findElement(By.id("sql-editor")).getDomProperty("value")).isEqualTo(first);

        browser.driver.get(sqlUrl(first, "chart"));
        browser.await(d -> d.findElements(By.cssSelector(".chart canvas")).size() == 1);
        assertThat(browser.driver.findElement(By.cssSelector("button[data-view='chart']")).getDomAttribute("aria-selected")).isEqualTo("true");
        browser.screenshot("sql-from-url");
    }

    @Test
    void logTextFullOfMarkupIsShownAsTextInRowsAndErrors() throws Exception {
        browser.driver.get(sqlUrl("SELECT message FROM \"default\" WHERE message LIKE '%onerror%'", null));
        assertThat(resultRows(1)).containsExactly(List.of(MARKUP));
        assertNothingInjected();
        browser.screenshot("sql-markup-as-text");

        // the server's error message quotes the table name: shown as it is, as text
        browser.driver.get(sqlUrl("SELECT * FROM \"<img src=x onerror=alert(1)>\"", null));
        WebElement error = browser.await(d -> d.findElement(By.cssSelector(".error-box .message")));
        assertThat(error.getText()).startsWith("400: ").contains("<img src=x onerror=alert(1)>");
        assertNothingInjected();
        browser.screenshot("sql-error");
    }

    @Test
    void aHugeValueIsCutUntilTheUserAsksForAllOfIt() throws Exception {
        String huge = "start " + "0123456789".repeat(1_000) + " end";
        String line = ChildNode.JSON.writeValueAsString(Map.of("message", huge)) + "\n";
        assertThat(node.post("/api/v1/ingest/app.activity", line, Map.of()).statusCode()).isEqualTo(202);
        node.flush();
        browser.driver.get(sqlUrl("SELECT message FROM activity WHERE message LIKE 'start %'", null));
        String shown = resultRows(1).get(0).get(0);
        assertThat(shown).startsWith("start 0123").endsWith("… show all 10,010 characters").hasSizeLessThan(2_100);
        browser.screenshot("sql-huge-value");
        browser.driver.findElement(By.cssSelector("table.results button.more")).click();
        assertThat(resultRows(1)).containsExactly(List.of(huge));
    }

    private static void assertNothingInjected() {
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.driver.findElements(By.tagName("img"))).as("no injected image").isEmpty();
        assertThat(browser.driver.findElements(By.tagName("b"))).as("no markup from the log").isEmpty();
        assertThat(browser.driver.findElements(By.tagName("script"))).as("only the UI's own module").hasSize(1);
    }

    @Test
    void largestContentfulPaintOfTheLanesPageIsMeasured() throws Exception {
        browser.driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.driver.get(url("/"));
        browser.await(d -> !d.findElements(By.cssSelector("tr[data-lane]")).isEmpty());
        Object lcp = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                new PerformanceObserver((list) => {
                  const entries = list.getEntries();
                  const last = entries[entries.length - 1];
                  done({ms: last.startTime, element: last.element ? last.element.tagName : null, size: last.size});
                }).observe({type: 'largest-contentful-paint', buffered: true});
                """);
        assertThat(lcp).as("Chromium reported a largest contentful paint").isInstanceOf(Map.class);
        Map<?, ?> entry = (Map<?, ?>) lcp;
        assertThat(((Number) entry.get("ms")).doubleValue()).isPositive();
        String line = "lanes page, cold cache, headless Chromium on 127.0.0.1: LCP " + entry.get("ms") + " ms (element "
                + entry.get("element") + ", size " + entry.get("size") + " px²)";
        System.out.println(line);
        Files.createDirectories(HeadlessChromium.SCREENSHOTS);
        Files.writeString(HeadlessChromium.SCREENSHOTS.resolve("lcp.txt"), line + "\n");
        browser.screenshot("lanes-lcp");
    }
}
