package io.loglane.inputs.container;

import io.loglane.core.event.EventFields;
import io.loglane.core.parse.EventTimeParser;
import io.loglane.inputs.tail.LineFormat;
import io.loglane.inputs.tail.LineReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kubernetes CRI log format (containerd, CRI-O): each line is
 * {@code <RFC 3339 nano time> <stdout|stderr> <P|F> <text>}. The record is the text as the message,
 * the stream as {@code source}, the time as the event time, and the pod container's
 * {@code k8s_namespace}, {@code k8s_pod}, {@code k8s_pod_uid}, {@code k8s_container} and
 * {@code container_name} from the file's path ({@link CriPath}; {@code container_id} too when a
 * {@code /var/log/containers} link was matched).
 *
 * <p>{@code P} (partial) lines are joined (per stream, {@link Joins}) with the next ones until an {@code F} line,
 * up to the tail's {@code max_line_bytes} (the rest dropped, {@code truncated: true}). A line
 * without a valid time, stream or flag is not stored: it is counted as rejected in the file's
 * source ledger entry and in {@code loglane.tail.problems} ({@link ContainerProblems#BAD_CRI_LINE}),
 * and logged once per file.
 *
 * <p>Thread-safety: the format is immutable; each file's lines are confined to the tailer thread.
 */
final class CriFormat implements LineFormat {
    private static final byte[] STDOUT = "stdout".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STDERR = "stderr".getBytes(StandardCharsets.US_ASCII);
    private final boolean tagSet;

    /** @param tagSet true when the input's {@code tag} was written (else {@code kube.<namespace>.<pod>.<container>}) */
    CriFormat(boolean tagSet) {
        this.tagSet = tagSet;
    }

    @Override
    public String inputType() { return "cri"; }

    @Override
    public FileLines open(Path path, int maxLineBytes, Problems problems) {
        return new Lines(CriPath.of(path), maxLineBytes, problems, tagSet);
    }

    /** One pod container's log file. */
    private static final class Lines implements FileLines, LineReader.LineSink {
        private final Problems problems;
        private final String tag;
        private final Joins joins;
        private final byte[] stdoutHead;
        private final byte[] stderrHead;
        private int bad;

        Lines(CriPath p, int maxLineBytes, Problems problems, boolean tagSet) {
            this.problems = problems;
            this.joins = new Joins(maxLineBytes);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put(EventFields.CONTAINER_ID, p.containerId());
            meta.put(EventFields.CONTAINER_NAME, p.container());
            meta.put("k8s_namespace", p.namespace());
            meta.put("k8s_pod", p.pod());
            meta.put("k8s_pod_uid", p.uid());
            meta.put("k8s_container", p.container());
            stdoutHead = RecordHead.of(RecordHead.withSource("stdout", meta));
            stderrHead = RecordHead.of(RecordHead.withSource("stderr", meta));
            tag = tagSet || p.pod() == null ? null
                    : "kube." + DockerFormat.safe(p.namespace()) + "." + DockerFormat.safe(p.pod()) + "." + DockerFormat.safe(p.container());
        }


        @Override
        public String tag() { return tag; }

        @Override
        public LineReader.LineSink begin(RecordOut out, long readNanos) {
            joins.begin(out);
            bad = 0;
            return this;
        }

        @Override
        public void line(byte[] buf, int off, int len, boolean truncated) {
            int end = off + len;
            int sp1 = indexOf(buf, off, end);
            int sp2 = sp1 < 0 ? -1 : indexOf(buf, sp1 + 1, end);
            long ts = sp1 < 0 ? -1 : EventTimeParser.fromString(new String(buf, off, sp1 - off, StandardCharsets.US_ASCII));
            boolean err = sp2 > 0 && equal(buf, sp1 + 1, sp2, STDERR);
            boolean out1 = sp2 > 0 && equal(buf, sp1 + 1, sp2, STDOUT);
            int flag = sp2 > 0 && sp2 + 1 < end ? buf[sp2 + 1] : -1;
            boolean flagOk = (flag == 'P' || flag == 'F') && (sp2 + 2 == end || buf[sp2 + 2] == ' ');
            if (ts < 0 || !(err || out1) || !flagOk) {
                bad++;
                joins.reject();
                return;
            }
            int text = Math.min(sp2 + 3, end);
            if (flag == 'P' && !truncated) {
                joins.part(err, buf, text, end - text, ts, off);
            } else {
                joins.last(err, err ? stderrHead : stdoutHead, buf, text, end - text, ts, truncated);
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
            return bad == 0 ? Map.of() : Map.of(ContainerProblems.BAD_CRI_LINE, bad);
        }

        @Override
        public void report() {
            problems.count(ContainerProblems.BAD_CRI_LINE, bad, "a line is not '<RFC 3339 time> <stdout|stderr> <P|F> <text>'"
                    + " (no time, another stream or a bad flag); not stored, counted as rejected in the source ledger");
        }

        private static int indexOf(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] == ' ') {
                    return i;
                }
            }
            return -1;
        }

        private static boolean equal(byte[] b, int from, int to, byte[] word) {
            return java.util.Arrays.equals(b, from, to, word, 0, word.length);
        }
    }
}
