package io.loglane.app.api;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The web UI, served from the jar on the HTTP port: the page routes ({@link #PAGES}) answer the one
 * shell {@code ui/index.html}, whose ES modules pick the page from the path; assets are served from
 * the classpath folder {@code ui/} at {@code /ui/}, and libraries from their WebJars at
 * {@code /webjars/} (a versioned path, so cached for a year).
 *
 * <p>Every UI answer carries {@link #SECURITY_HEADERS}: a Content-Security-Policy that allows only
 * this origin's scripts and styles (no inline script, no eval), so log text that slipped into the
 * DOM as markup could still not run; the UI itself writes log text only as text nodes. Shell and
 * assets are revalidated on each load ({@code no-cache} with ETags), so an upgraded node is never
 * shown with a stale mix of modules.
 *
 * <p>Thread-safety: immutable; the shell is read once at construction.
 */
final class WebUi {
    /** The paths that answer the UI shell; the client-side router maps each to its page. */
    static final List<String> PAGES = List.of("/", "/lanes", "/explorer", "/sql");

    /**
     * Headers on every UI answer. {@code style-src 'self'} still lets scripts set element styles
     * through the CSSOM (the chart library does), which is not an inline style sheet.
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    private static final String ASSETS = "/ui";
    private final byte[] shell;

    WebUi() {
        try (InputStream in = WebUi.class.getResourceAsStream(ASSETS + "/index.html")) {
            if (in == null) {
                throw new IllegalStateException("ui/index.html is missing from the classpath");
            }
            shell = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the static assets; call inside {@link Javalin#create}. */
    void configure(JavalinConfig cfg) {
        cfg.staticFiles.add(sf -> {
            sf.hostedPath = ASSETS;
            sf.directory = ASSETS;
            sf.location = Location.CLASSPATH;
            sf.headers = withSecurity("Cache-Control", "no-cache");
            sf.mimeTypes.add("text/javascript; charset=utf-8", "js");
            sf.mimeTypes.add("text/css; charset=utf-8", "css");
        });
        cfg.staticFiles.add(sf -> {
            sf.hostedPath = "/webjars";
            sf.directory = "/META-INF/resources/webjars";
            sf.location = Location.CLASSPATH;
            sf.headers = withSecurity("Cache-Control", "public, max-age=31536000, immutable");
            sf.mimeTypes.add("text/javascript; charset=utf-8", "js");
            sf.mimeTypes.add("text/css; charset=utf-8", "css");
        });
    }

    /** Registers the page routes. */
    void routes(Javalin app) {
        for (String page : PAGES) {
            app.get(page, this::page);
        }
    }

    private void page(Context ctx) {
        SECURITY_HEADERS.forEach(ctx::header);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(shell);
    }

    private static Map<String, String> withSecurity(String name, String value) {
        Map<String, String> h = new java.util.HashMap<>(SECURITY_HEADERS);
        h.put(name, value);
        return Map.copyOf(h);
    }
}
