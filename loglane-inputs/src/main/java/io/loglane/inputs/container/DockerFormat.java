package io.loglane.inputs.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.loglane.core.event.EventFields;
import io.loglane.core.parse.EventTimeParser;
import io.loglane.inputs.tail.LineFormat;
import io.loglane.inputs.tail.LineReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Docker's {@code json-file} log files ({@code /var/lib/docker/containers/<id>/<id>-json.log}): each
 * line is {@code {"log": …, "stream": "stdout"|"stderr", "time": <RFC 3339 nano>}}. The record is
 * {@code log} without its trailing newline as the message, {@code stream} as {@code source}, {@code
 * time} as the event time, and the container's {@code container_id} (the directory's name),
 * {@code container_name}, {@code container_image} and {@code container_labels} (from
 * {@code config.v2.json} beside the log, re-read when it changes).
 *
 * <p>Docker splits a line longer than 16 KiB into {@code log}s without a trailing newline; those
 * are joined (per stream, {@link Joins}) with the next ones until one ends in a newline, up to the tail's
 * {@code max_line_bytes} (the rest dropped, {@code truncated: true}). A line that is not such JSON
 * (a half-written line, garbage) is stored whole as the message with the read time, and counted
 * ({@link ContainerProblems#INVALID_JSON}).
 *
 * <p>Thread-safety: the format is immutable; each file's lines are confined to the tailer thread.
 */
final class DockerFormat implements LineFormat {
    private static final JsonFactory JSON = new JsonFactory();
    private final boolean tagSet;

    /** @param tagSet true when the input's {@code tag} was written (else the tag is {@code docker.<name or short id>}) */
    DockerFormat(boolean tagSet) {
        this.tagSet = tagSet;
    }

    @Override
    public String inputType() { return "docker"; }

    @Override
    public FileLines open(Path path, int maxLineBytes, Problems problems) {
        return new Lines(path, maxLineBytes, problems, tagSet);
    }

    /** One container's log file. */
    private static final class Lines implements FileLines, LineReader.LineSink {
        private final String id;
        private final Path config;
        private final Problems problems;
        private final String tag;
        private final Joins joins;
        private Object configVersion;
        private byte[] stdoutHead;
        private byte[] stderrHead;
        private byte[] rawHead;
        private long readNanos;
        private int invalid;
        private int badTime;

        Lines(Path path, int maxLineBytes, Problems problems, boolean tagSet) {
            Path dir = path.toAbsolutePath().getParent();
            this.id = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
            this.config = dir == null ? path.resolveSibling(DockerContainer.CONFIG_FILE) : dir.resolve(DockerContainer.CONFIG_FILE);
            this.problems = problems;
            this.joins = new Joins(maxLineBytes);
            DockerContainer c = refresh();
            this.tag = tagSet ? null : "docker." + safe(c.name() != null ? c.name() : id.substring(0, Math.min(12, id.length())));
        }

        /** Re-reads {@code config.v2.json} when its modification time or size changed and rebuilds the heads; null when unchanged. */
        private DockerContainer refresh() {
            Object version;
            try {
                BasicFileAttributes a = Files.readAttributes(config, BasicFileAttributes.class);
                version = a.lastModifiedTime().toMillis() + ":" + a.size();
            } catch (IOException e) {
                version = "none";
            }
            if (version.equals(configVersion) || version.equals("none") && configVersion != null) {
                return null; // unchanged, or removed with the container (docker rm): its last metadata stays
            }
            configVersion = version;
            DockerContainer c = version.equals("none") ? DockerContainer.UNKNOWN : DockerContainer.read(config);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put(EventFields.CONTAINER_ID, id.isEmpty() ? null : id);
            meta.put(EventFields.CONTAINER_NAME, c.name());
            meta.put("container_image", c.image());
            meta.put("container_labels", c.labels().isEmpty() ? null : c.labels());
            rawHead = RecordHead.of(meta);
            stdoutHead = RecordHead.of(RecordHead.withSource("stdout", meta));
            stderrHead = RecordHead.of(RecordHead.withSource("stderr", meta));
            return c;
        }


        @Override
        public String tag() { return tag; }

        @Override
        public LineReader.LineSink begin(RecordOut out, long readNanos) {
            refresh();
            joins.begin(out);
            this.readNanos = readNanos;
            invalid = badTime = 0;
            return this;
        }

        @Override
        public void line(byte[] buf, int off, int len, boolean truncated) {
            String log = null;
            String stream = null;
            String time = null;
            boolean ok = !truncated; // a cut line is not whole JSON
            if (ok) {
                try (JsonParser p = JSON.createParser(buf, off, len)) {
                    ok = p.nextToken() == JsonToken.START_OBJECT;
                    while (ok && p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken t = p.nextToken();
                        switch (key) {
                            case "log" -> log = t == JsonToken.VALUE_STRING ? p.getText() : null;
                            case "stream" -> stream = t == JsonToken.VALUE_STRING ? p.getText() : null;
                            case "time" -> time = t == JsonToken.VALUE_STRING ? p.getText() : null;
                            default -> p.skipChildren();
                        }
                    }
                    ok = ok && log != null && p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null;
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (!ok) {
                invalid++;
                joins.reject();
                return;
            }
            long ts = time == null ? -1 : EventTimeParser.fromString(time);
            if (ts < 0) {
                badTime++;
                ts = readNanos;
            }
            boolean err = "stderr".equals(stream);
            byte[] head = err ? stderrHead : "stdout".equals(stream) ? stdoutHead : rawHead;
            byte[] text = log.getBytes(StandardCharsets.UTF_8);
            boolean last = text.length > 0 && text[text.length - 1] == '\n';
            int n = last ? text.length - 1 : text.length;
            if (last) {
                joins.last(err, head, text, 0, n, ts, false);
            } else {
                joins.part(err, text, 0, n, ts, off);
            }
        }

        @Override
        public boolean joinOpen() { return joins.isOpen(); }

        @Override
        public int end(boolean flushOpen) {
            return joins.end(stdoutHead, stderrHead, flushOpen);
        }

        @Override
        public Map<String, Integer> rejected() {
            return invalid == 0 ? Map.of() : Map.of(ContainerProblems.INVALID_JSON, invalid);
        }

        @Override
        public void report() {
            problems.count(ContainerProblems.INVALID_JSON, invalid, "a line is not Docker's {\"log\",\"stream\",\"time\"} JSON"
                    + " (half a line, or garbage); not stored, counted as rejected in the source ledger");
            problems.count(ContainerProblems.BAD_TIME, badTime, "a line's time is not RFC 3339; stored with the read time");
        }
    }

    /** Letters, digits, '.', '_' and '-' as they are; anything else '_'. */
    static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        return b.toString();
    }
}
