package io.loglane.bench.faults;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A live-tail client that subscribes to a lane ({@code GET /api/v1/tail}) and then stops reading
 * for a while, so its socket buffers fill: a slow consumer must not stall ingest or delivery.
 *
 * @param lane     the lane tailed
 * @param duration how long the client holds its connection without reading
 */
public record StalledTail(String lane, Duration duration) implements Fault {
    @Override
    public String name() { return "stalled tail client " + duration.toSeconds() + "s"; }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.httpPort)) {
            s.setReceiveBufferSize(4096); // fills fast: the server meets a full socket soon
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/tail?lane=" + lane + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(duration.toMillis()); // never reads a byte
        }
        return "";
    }
}
