package io.loglane.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.app.health.NodeHealth;
import io.loglane.app.health.NodePhase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web UI as a browser receives it from the real HTTP routes: each page path answers the shell
 * with a Content-Security-Policy that allows no inline script, every module the shell loads (followed
 * import by import, the chart library's WebJar included) is served with a JavaScript type, and
 * caching revalidates the unversioned assets while the versioned WebJar is cached for good.
 */
class WebUiTest {
    /** The UI's sources (tests run in loglane-app/). */
    private static final Path UI = Path.of("src", "main", "resources", "ui");
    private static final Pattern IMPORT = Pattern.compile("(?:import|from)\\s*\\(?\\s*'([^']+\\.js)'");
    private HttpApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        api = RoutesOnlyApi.start(() -> NodeHealth.of(NodePhase.READY, List.of()));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }

    /** The media type and charset, whichever spacing the server writes between them. */
    private static String contentType(HttpResponse<?> r) {
        return header(r, "Content-Type").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void everyPagePathAnswersTheShellWithAPolicyThatForbidsInlineScript() throws Exception {
        for (String page : WebUi.PAGES) {
            HttpResponse<String> r = get(page + "?q=x");
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(contentType(r)).as(page).isEqualTo("text/html;charset=utf-8");
            assertThat(r.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>");
            String csp = header(r, "Content-Security-Policy");
            assertThat(csp).contains("script-src 'self'", "default-src 'none'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(r, "Cache-Control")).isEqualTo("no-cache");
        }
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        for (String folder : List.of("/ui/", "/ui/pages/", "/webjars/", "/webjars/uplot/1.6.30/dist/")) {
            assertThat(get(folder).body()).as("no listing of " + folder).doesNotContain("Directory:", "lanes.js", "uPlot.esm.js");
        }
    }

    @Test
    void everyModuleTheShellImportsIsServedAsJavaScriptWithThePolicy() throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of("/ui/app.js"));
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(contentType(r)).as(path).isEqualTo("text/javascript;charset=utf-8");
            assertThat(header(r, "Content-Security-Policy")).as(path).contains("script-src 'self'");
            Matcher m = IMPORT.matcher(r.body());
            while (m.find()) {
                todo.add(URI.create("http://x" + path).resolve(m.group(1)).getPath());
            }
        }
        assertThat(seen).contains("/ui/pages/lanes.js", "/ui/pages/sql.js", "/ui/pages/explorer.js", "/ui/chart.js",
                "/ui/state.js", "/webjars/uplot/1.6.30/dist/uPlot.esm.js");
        HttpResponse<String> css = get("/ui/app.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(contentType(css)).isEqualTo("text/css;charset=utf-8");
        assertThat(get("/webjars/uplot/1.6.30/dist/uPlot.min.css").statusCode()).isEqualTo(200);
    }

    @Test
    void assetsRevalidateAndTheVersionedLibraryIsCachedForGood() throws Exception {
        HttpResponse<String> asset = get("/ui/app.js");
        assertThat(header(asset, "Cache-Control")).isEqualTo("no-cache");
        String etag = header(asset, "ETag");
        assertThat(etag).isNotEmpty();
        assertThat(get("/ui/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<String> lib = get("/webjars/uplot/1.6.30/dist/uPlot.esm.js");
        assertThat(header(lib, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    }

    @Test
    void theUiSourcesNeverParseMarkupOrEvaluateText() throws IOException {
        try (Stream<Path> files = Files.walk(UI)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".js")).toList()) {
                String src = Files.readString(f);
                assertThat(src).as(f.toString()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                        "eval(", "new Function", "DOMParser", "createContextualFragment");
            }
        }
        assertThat(Files.readString(UI.resolve("index.html")))
                .as("no inline script or handler attribute in the shell")
                .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContainPattern("\\son[a-z]+=");
    }
}
