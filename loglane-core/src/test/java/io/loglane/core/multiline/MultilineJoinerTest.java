package io.loglane.core.multiline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.MultilineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * The built-in rules of each language against traces as the runtimes print them (generated here:
 * uncaught exceptions, chained causes, panics), each between a log line before and after it that
 * must stay apart; and where the events still open at a block's end begin ({@link MultilineJoiner#openFrom}).
 */
class MultilineJoinerTest {
    private static final long SECOND = 1_000_000_000L;

    private record Line(String source, String log, long ts) {}

    private static RecordBlock block(List<Line> lines) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (Line l : lines) {
            try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
                p.packMapHeader(2).packString("source").packString(l.source()).packString("log").packString(l.log());
                byte[] rec = p.toByteArray();
                b.add(l.ts(), rec, 0, rec.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b.build();
    }

    private static List<String> logs(RecordBlock block) {
        List<String> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                var m = u.unpackValue().asMapValue().map();
                m.forEach((k, v) -> {
                    if (k.asStringValue().asString().equals("log")) {
                        out.add(v.asStringValue().asString());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static List<Line> lines(String source, String text) {
        return text.lines().map(l -> new Line(source, l, 0)).toList();
    }

    private static MultilineRules rules(String... builtIn) {
        return new MultilineRules(new MultilineSpec(List.of(builtIn).stream().map(MultilineSpec.Rule::named).toList()));
    }

    /** {@code trace} between a line before and one after: joined into one event, the others apart. */
    private static void joinsAlone(MultilineRules rules, String before, String trace, String after) {
        List<Line> all = new ArrayList<>(lines("stderr", before));
        all.addAll(lines("stderr", trace));
        all.addAll(lines("stderr", after));
        RecordBlock joined = new MultilineJoiner().join(block(all), rules);
        assertThat(logs(joined)).containsExactly(before, trace.stripTrailing(), after);
    }

    @Test
    void java() {
        String trace = """
                2026-12-05 06:00:01.123 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() failed
                org.springframework.web.util.NestedServletException: Request processing failed; nested exception is java.lang.IllegalStateException: boom
                \tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
                \tat javax.servlet.http.HttpServlet.service(HttpServlet.java:764)
                \tSuppressed: java.io.UncheckedIOException: close failed
                \t\tat com.example.Res.close(Res.java:12)
                Caused by: java.lang.IllegalStateException: boom
                \tat com.example.Shop$Cart.checkout(Shop.java:88)
                \tat com.example.Shop.lambda$handle$0(Shop.java:41)
                \t... 48 common frames omitted
                """;
        joinsAlone(rules("java"), "2026-12-05 06:00:00.999  INFO 1 --- [main] c.e.Shop : started", trace,
                "2026-12-05 06:00:02.000  INFO 1 --- [main] c.e.Shop : next request");
        joinsAlone(rules("java"), "INFO before", "Exception in thread \"main\" java.lang.NullPointerException: x is null\n"
                + "\tat Main.main(Main.java:5)\n", "INFO after");
    }

    @Test
    void python() {
        String trace = """
                ERROR:root:request failed
                Traceback (most recent call last):
                  File "/app/views.py", line 21, in handle
                    return compute(x)
                           ^^^^^^^^^^
                  File "/app/calc.py", line 3, in compute
                    return 1 / x
                ZeroDivisionError: division by zero

                During handling of the above exception, another exception occurred:

                Traceback (most recent call last):
                  File "/app/views.py", line 23, in handle
                    raise ImproperlyConfigured("no x")
                django.core.exceptions.ImproperlyConfigured: no x
                """;
        joinsAlone(rules("python"), "INFO:app.db: connected", trace, "INFO:root:next request");
        // the line before a traceback is its logging call's message (logging.exception): part of the event
        joinsAlone(rules("python"), "INFO:root:start", "ERROR:root:interrupted\nTraceback (most recent call last):\n"
                + "  File \"x.py\", line 1, in <module>\nKeyboardInterrupt\n", "INFO:root:after");
    }

    @Test
    void go() {
        String trace = """
                panic: runtime error: index out of range [3] with length 3

                goroutine 18 [running]:
                main.(*Server).handle(0xc0000a6000, {0x6c1e40, 0xc0000b8000})
                \t/app/server.go:42 +0x1d
                net/http.HandlerFunc.ServeHTTP(0xc0000a4040?, {0x6c1e40?, 0xc0000b8000?}, 0x0?)
                \t/usr/local/go/src/net/http/server.go:2136 +0x29
                created by net/http.(*Server).Serve in goroutine 1
                \t/usr/local/go/src/net/http/server.go:3086 +0x5cb
                exit status 2
                """;
        joinsAlone(rules("go"), "2026/12/05 06:00:00 listening on :8080", trace, "2026/12/05 06:00:05 listening on :8080");
    }

    @Test
    void node() {
        String trace = """
                /app/index.js:10
                    throw new Error('boom');
                    ^

                Error: boom
                    at Object.<anonymous> (/app/index.js:10:11)
                    at Module._compile (node:internal/modules/cjs/loader:1256:14)
                    at async Promise.all (index 0)

                Node.js v20.11.0
                """;
        // an exception line does not continue (console.error(err) prints one after unrelated lines), so
        // the source excerpt of an uncaught exception is an event of its own, before the error's
        List<Line> all = new ArrayList<>(lines("stderr", "server listening on 3000\n" + trace + "server listening on 3000\n"));
        assertThat(logs(new MultilineJoiner().join(block(all), rules("node")))).containsExactly("server listening on 3000",
                "/app/index.js:10\n    throw new Error('boom');\n    ^\n", trace.substring(trace.indexOf("Error: boom")).stripTrailing(),
                "server listening on 3000");
        joinsAlone(rules("node"), "GET /a 200", "TypeError: Cannot read properties of undefined (reading 'id')\n"
                + "    at getUser (/app/users.js:7:21)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)\n", "GET /b 200");
    }

    @Test
    void dotnet() {
        String trace = """
                fail: Microsoft.AspNetCore.Server.Kestrel[13]
                      Connection id "0HN1", Request id "0HN1:00000001": An unhandled exception was thrown by the application.
                      System.InvalidOperationException: Sequence contains no elements
                         at System.Linq.ThrowHelper.ThrowNoElementsException()
                         at Shop.Api.CartController.Get(Int32 id) in /src/Shop.Api/CartController.cs:line 27
                """;
        joinsAlone(rules("dotnet"), "info: Microsoft.Hosting.Lifetime[0]", trace, "info: Microsoft.Hosting.Lifetime[14]");
        joinsAlone(rules("dotnet"), "starting", "Unhandled exception. System.AggregateException: One or more errors occurred. (boom)\n"
                + " ---> System.Exception: boom\n   at Program.<Main>$(String[] args) in /src/Program.cs:line 3\n"
                + "   --- End of inner exception stack trace ---\n--- End of stack trace from previous location ---\n"
                + "   at Program.<Main>(String[] args)\n", "stopped");
    }

    @Test
    void userRulesWithAStartPattern() {
        MultilineRules rules = new MultilineRules(new MultilineSpec(List.of(new MultilineSpec.Rule(null, "^\\d{4}-\\d\\d-\\d\\d ", "^(\\s|\\|)"))));
        RecordBlock joined = new MultilineJoiner().join(block(lines("app", """
                2026-12-05 06:00:00 table:
                | a | 1 |
                  b
                a plain line: neither continues nor starts
                | no event is open before this one
                2026-12-05 06:00:01 next
                """)), rules);
        assertThat(logs(joined)).containsExactly("2026-12-05 06:00:00 table:\n| a | 1 |\n  b", "a plain line: neither continues nor starts",
                "| no event is open before this one", "2026-12-05 06:00:01 next");
    }

    @Test
    void openFromIsTheFirstLineOfTheEarliestEventALaterLineCouldContinue() {
        MultilineJoiner j = new MultilineJoiner();
        List<Line> all = new ArrayList<>();
        all.add(new Line("stdout", "GET /a 200", 0));                          // 0: closed by 3
        all.add(new Line("stderr", "ERROR failed", 0));                        // 1: the stderr event, open
        all.add(new Line("stderr", "java.lang.IllegalStateException: boom", 0));
        all.add(new Line("stdout", "GET /b 200", 0));                          // 3: the stdout event, open
        j.scan(block(all), rules("java"));
        assertThat(j.openFrom(SECOND)).isEqualTo(1);
        all.add(new Line("stderr", "INFO next", 0));                           // closes the trace
        j.scan(block(all), rules("java"));
        assertThat(j.openFrom(SECOND)).as("the stdout line and the stderr one are open").isEqualTo(3);
        all.add(new Line("stdout", "GET /c 200", 0));
        j.scan(block(all), rules("java"));
        assertThat(j.openFrom(SECOND)).isEqualTo(4);
        j.scan(block(List.of(new Line("stdout", "GET /a 200", 0))), rules("java"));
        assertThat(j.openFrom(SECOND)).isZero();
    }

    @Test
    void anEventItsStreamLeftSilentForTheTimeoutByTheLinesOwnTimesIsClosed() {
        MultilineJoiner j = new MultilineJoiner();
        List<Line> all = new ArrayList<>(List.of(new Line("stdout", "GET /a 200", 0)));
        for (int i = 1; i <= 10; i++) {
            all.add(new Line("stderr", "INFO tick " + i, i * SECOND / 10));
        }
        j.scan(block(all), rules("java"));
        assertThat(j.openFrom(SECOND)).as("a second of stderr after the stdout line: only the last stderr line is open").isEqualTo(10);
        assertThat(j.openFrom(2 * SECOND)).isZero();
    }

    @Test
    void aCutNeverSplitsAnEventBegunBeforeIt() {
        MultilineJoiner j = new MultilineJoiner();
        List<Line> all = List.of(
                new Line("stderr", "java.lang.RuntimeException: a", 0),        // 0: stderr event, lines 0, 2
                new Line("stdout", "GET /a 200", 0),                           // 1: stdout's last event, open
                new Line("stderr", "\tat A.b(A.java:1)", 0),
                new Line("stderr", "INFO next", 0));                           // 3: stderr's last event, open
        RecordBlock block = block(all);
        j.scan(block, rules("java"));
        assertThat(j.openFrom(SECOND)).as("cutting at 1 would part line 2 from its event").isZero();
        assertThat(j.cutBefore(3)).isEqualTo(3);
        assertThat(logs(j.joined(block, 3))).containsExactly("java.lang.RuntimeException: a\n\tat A.b(A.java:1)", "GET /a 200");
    }

    @Test
    void anEventAtItsLineBoundIsClosed() {
        MultilineJoiner j = new MultilineJoiner();
        List<Line> all = new ArrayList<>(List.of(new Line("stderr", "java.lang.RuntimeException: deep", 0)));
        for (int i = 1; i < MultilineJoiner.MAX_LINES; i++) {
            all.add(new Line("stderr", "\tat a.B.m" + i + "(B.java:1)", 0));
        }
        j.scan(block(all), rules("java"));
        assertThat(j.openFrom(SECOND)).as("full: no later line can join it").isEqualTo(all.size());
    }

    /** Whether each record of {@code block} has {@code truncated: true}. */
    private static List<Boolean> truncatedMarks(RecordBlock block) {
        List<Boolean> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                var m = u.unpackValue().asMapValue().map();
                out.add(m.entrySet().stream().anyMatch(e -> e.getKey().asStringValue().asString().equals("truncated")
                        && e.getValue().isBooleanValue() && e.getValue().asBooleanValue().getBoolean()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Test
    void anEventCutAtItsLineBoundIsMarkedTruncatedAndCountedAndItsRestStartsTheNextEvent() {
        List<Line> all = new ArrayList<>(List.of(new Line("stderr", "java.lang.RuntimeException: deep", 0)));
        for (int i = 1; i < MultilineJoiner.MAX_LINES + 3; i++) {
            all.add(new Line("stderr", "\tat a.B.m" + i + "(B.java:1)", 0));
        }
        all.add(new Line("stderr", "GET /after 200", 0));
        MultilineJoiner j = new MultilineJoiner();
        RecordBlock joined = j.join(block(all), rules("java"));
        List<String> logs = logs(joined);
        assertThat(logs).hasSize(3);
        assertThat(logs.get(0).split("\n")).hasSize(MultilineJoiner.MAX_LINES);
        assertThat(logs.get(1)).as("the rest is one event of its own").isEqualTo("\tat a.B.m1000(B.java:1)\n\tat a.B.m1001(B.java:1)\n\tat a.B.m1002(B.java:1)");
        assertThat(logs.get(2)).isEqualTo("GET /after 200");
        assertThat(truncatedMarks(joined)).containsExactly(true, false, false);
        assertThat(j.truncatedEvents()).isEqualTo(1);
        assertThat(j.joinedLines()).isEqualTo(all.size() - 3);
    }

    @Test
    void anEventCutAtItsByteBoundIsMarkedTruncatedOnceEvenWhenTheRecordWasAlreadyMarked() throws IOException {
        String frame = "\tat a.B.m(" + "x".repeat(600 * 1024) + ".java:1)";
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (String log : List.of("java.lang.RuntimeException: big", frame, frame)) {
            try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
                // the first record is a line the tail already cut (truncated: true): the mark is not repeated
                boolean first = log.startsWith("java");
                p.packMapHeader(first ? 2 : 1).packString("log").packString(log);
                if (first) {
                    p.packString("truncated").packBoolean(true);
                }
                byte[] rec = p.toByteArray();
                b.add(0, rec, 0, rec.length);
            }
        }
        MultilineJoiner j = new MultilineJoiner();
        RecordBlock joined = j.join(b.build(), rules("java"));
        assertThat(logs(joined)).hasSize(2);
        assertThat(logs(joined).get(0)).isEqualTo("java.lang.RuntimeException: big\n" + frame);
        assertThat(truncatedMarks(joined)).containsExactly(true, false);
        assertThat(j.truncatedEvents()).isEqualTo(1);
        RecordCursor c = joined.cursor();
        c.next();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
            assertThat(u.unpackValue().asMapValue().size()).as("one truncated key, not two").isEqualTo(2);
        }
    }

    @Test
    void openLinesMarksOnlyTheLinesOfEventsStillOpenNotTheOtherStreamsBetweenThem() {
        List<Line> all = List.of(
                new Line("stderr", "java.lang.IllegalStateException: open", 0),
                new Line("stdout", "GET /a 200", 0),
                new Line("stderr", "\tat a.B.c(B.java:1)", 0),
                new Line("stdout", "GET /b 200", 0));
        MultilineJoiner j = new MultilineJoiner();
        j.scan(block(all), rules("java"));
        boolean[] held = new boolean[4];
        assertThat(j.openLines(SECOND, held)).as("the trace, and stdout's last line (a later line may continue it)").isEqualTo(3);
        assertThat(held).containsExactly(true, false, true, true);
        assertThat(j.openFrom(SECOND)).as("a file input holds everything from the open event on").isZero();
    }

    @Test
    void openLinesLeavesAnEventWhoseStreamFellSilentForTheFlushTimeout() {
        List<Line> all = List.of(
                new Line("stderr", "java.lang.IllegalStateException: old", 0),
                new Line("stdout", "GET /a 200", 2 * SECOND));
        MultilineJoiner j = new MultilineJoiner();
        j.scan(block(all), rules("java"));
        boolean[] held = new boolean[2];
        assertThat(j.openLines(SECOND, held)).as("only the newest stream's line").isEqualTo(1);
        assertThat(held).containsExactly(false, true);
    }

    /** Fuzzing finding (MultilineJoinerFuzzTest): lines joined to an event whose first line is empty were dropped. */
    @Test
    void linesJoinedToAnEmptyFirstLineAreKept() {
        List<Line> in = new ArrayList<>();
        for (String l : "\n\n\n$\n\n\u0008\n\n\n\n2".split("\n", -1)) {
            in.add(new Line("stderr", l, 0));
        }
        RecordBlock joined = new MultilineJoiner().join(block(in), rules("python", "node"));
        assertThat(String.join("\n", logs(joined))).isEqualTo("\n\n\n$\n\n\u0008\n\n\n\n2");
        assertThat(logs(joined).size()).as("some lines were joined").isLessThan(in.size());
    }
}
