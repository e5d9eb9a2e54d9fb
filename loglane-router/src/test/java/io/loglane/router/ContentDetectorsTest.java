package io.loglane.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.MatchRule.ContentKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentDetectorsTest {
    private final ContentDetectors d = new ContentDetectors();

    private boolean msg(ContentKind kind, String message) {
        byte[] b = ("xx" + message).getBytes(StandardCharsets.UTF_8); // an offset, as in a record
        return d.matches(kind, b, 2, b.length - 2, b, -1, 0);
    }

    private boolean level(String value, String message) {
        byte[] b = (value + message).getBytes(StandardCharsets.UTF_8);
        int vl = value.getBytes(StandardCharsets.UTF_8).length;
        return d.matches(ContentKind.ERROR_LEVEL, b, vl, b.length - vl, b, 0, vl);
    }

    @Test
    void accessLines() {
        assertThat(msg(ContentKind.ACCESS_LINE, "172.17.0.1 - - [01/Jun/2025:10:00:00 +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\""))
                .isTrue();
        assertThat(msg(ContentKind.ACCESS_LINE, "10.0.0.7 - bob [01/Jun/2025:10:00:00 +0200] \"POST /cgi-bin/x HTTP/1.0\" 500 -")).isTrue();
        assertThat(msg(ContentKind.ACCESS_LINE, "GET /health 200")).isFalse();
        assertThat(d.matches(ContentKind.ACCESS_LINE, new byte[0], -1, 0, null, -1, 0)).isFalse();
    }

    @Test
    void errorLevelFromALevelField() {
        assertThat(level("error", "all good")).isTrue();
        assertThat(level("FATAL", "x")).isTrue();
        assertThat(level("Critical", "x")).isTrue();
        assertThat(level("info", "ERROR in the text is ignored when a level field exists")).isFalse();
        assertThat(level("errors", "x")).isFalse();
    }

    @Test
    void errorLevelAtTheStartOfTheMessage() {
        assertThat(msg(ContentKind.ERROR_LEVEL, "2025-06-01 10:00:00.123 ERROR [main] c.e.App - payment failed")).isTrue();
        assertThat(msg(ContentKind.ERROR_LEVEL, "[ERROR] disk full")).isTrue();
        assertThat(msg(ContentKind.ERROR_LEVEL, "ERROR:root:division by zero")).isTrue();
        assertThat(msg(ContentKind.ERROR_LEVEL, "time=\"2025-06-01T10:00:00Z\" level=error msg=\"boom\"")).isTrue();
        assertThat(msg(ContentKind.ERROR_LEVEL, "panic: runtime error: index out of range")).isTrue();
        assertThat(msg(ContentKind.ERROR_LEVEL, "{\"ts\":1717236000,\"level\": \"error\",\"msg\":\"db down\"}")).isTrue();
        assertThat(msg(ContentKind.ERROR_LEVEL, "{\"level\":\"info\",\"msg\":\"error count is 0\"}")).isFalse();
        assertThat(msg(ContentKind.ERROR_LEVEL, "2025-06-01 10:00:00 INFO error budget fine")).isFalse();
        assertThat(msg(ContentKind.ERROR_LEVEL, "user liked a post")).isFalse();
        assertThat(msg(ContentKind.ERROR_LEVEL, "a b c d ERROR too late")).isFalse();
    }

    @Test
    void stackTraces() {
        String java = "java.lang.IllegalStateException: boom\n\tat com.example.Svc.run(Svc.java:42)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)\n";
        String caused = "Caused by: java.io.IOException: broken pipe";
        String frameOnly = "\tat com.example.Svc.run(Svc.java:42)";
        String python = "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    1/0\nZeroDivisionError: division by zero";
        String pythonFrame = "  File \"/app/main.py\", line 3, in <module>";
        String go = "panic: nil map\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d";
        String node = "TypeError: x is undefined\n    at Object.<anonymous> (/app/index.js:1:7)";
        for (String s : new String[] {java, caused, frameOnly, python, pythonFrame, go, node}) {
            assertThat(msg(ContentKind.STACK_TRACE, s)).as(s).isTrue();
        }
        for (String s : new String[] {"we met at noon (again)", "at the start", "goroutine leak suspected", "File \"x\" saved",
                "172.17.0.1 - - [01/Jun/2025:10:00:00 +0000] \"GET / HTTP/1.1\" 200 2"}) {
            assertThat(msg(ContentKind.STACK_TRACE, s)).as(s).isFalse();
        }
    }
}
