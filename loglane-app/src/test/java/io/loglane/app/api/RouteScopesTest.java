package io.loglane.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ApiScope;
import org.junit.jupiter.api.Test;

/** Closed by default: only probes and the UI's files are open; a route added later needs read (GET) or admin. */
class RouteScopesTest {
    @Test
    void probesAndUiFilesAreOpen() {
        for (String p : new String[] {"/healthz", "/readyz", "/", "/lanes", "/explorer", "/sql", "/ui/app.js", "/webjars/uplot/1/x.js"}) {
            assertThat(RouteScopes.required("GET", p)).as(p).isNull();
        }
        assertThat(RouteScopes.required("POST", "/healthz")).isEqualTo(ApiScope.ADMIN);
    }

    @Test
    void unknownRoutesAreNotOpen() {
        assertThat(RouteScopes.required("GET", "/api/v1/audit/head")).isEqualTo(ApiScope.READ);
        assertThat(RouteScopes.required("GET", "/anything")).isEqualTo(ApiScope.READ);
        assertThat(RouteScopes.required("PUT", "/api/v1/lanes/app")).isEqualTo(ApiScope.ADMIN);
        assertThat(RouteScopes.required("DELETE", "/api/v1/sql")).isEqualTo(ApiScope.ADMIN);
        assertThat(RouteScopes.required("POST", "/api/v1/ingestx")).isEqualTo(ApiScope.ADMIN);
        assertThat(RouteScopes.required("GET", "/api/v1/ingest/app")).as("ingest is a POST").isEqualTo(ApiScope.READ);
    }
}
