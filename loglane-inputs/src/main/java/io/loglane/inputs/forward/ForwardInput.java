package io.loglane.inputs.forward;

import io.loglane.inputs.multiline.MultilineCarry;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.admission.BackPressure;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The Fluent Forward input: a Netty TCP server (NIO transport) on the configured address.
 *
 * <p>Pipeline per connection: {@value #TIMEOUTS_STAGE} ({@link ConnectionTimeouts}: {@code idle_timeout},
 * {@code frame_timeout}, {@code handshake_timeout}), with {@code tls} an {@code SslHandler} named
 * {@value #TLS_STAGE} ({@link ForwardTls}), with {@code shared_key} the HELO/PING/PONG handler
 * named {@value #HANDSHAKE_STAGE} ({@link ForwardHandshake}, which removes itself once the peer
 * is authenticated), {@code decoder} ({@link ForwardDecoder}), then {@code connection}
 * ({@link ForwardConnectionHandler}), see {@link #initConnection}. The TLS context is built once,
 * in {@link #start()}, from the PEM files; the handshake's nonces come from one {@link SecureRandom}.
 *
 * <p>Lifecycle ({@link Input}): {@link #start()} binds (port 0 picks one, see {@link #boundPort()});
 * {@link #pause()} stops reading (autoRead off) on every connection, and on connections opened
 * while paused, keeping them open, and {@link #resume()} lets each read again as far as its own
 * limits allow; {@link #drain} stops accepting, stops reading from open connections and waits up
 * to {@code drain_timeout} (or the caller's timeout, if shorter) for in-flight requests to
 * complete and their acks to be written; {@link #close()} then closes every connection.
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} are called by one owner
 * thread; {@link #pause()}, {@link #resume()} and {@link #boundPort()} from any thread.
 */
public final class ForwardInput implements Input {
    /** Pipeline slot names of the TLS and handshake stages. */
    public static final String TLS_STAGE = "tls";
    public static final String HANDSHAKE_STAGE = "handshake";
    /** Pipeline slot of {@link ConnectionTimeouts}: first, so that it sees every read. */
    static final String TIMEOUTS_STAGE = "timeouts";
    private static final Logger LOG = LoggerFactory.getLogger(ForwardInput.class);

    private final ForwardConfig config;
    private final Ingest ingest;
    private final Clock clock;
    private final ForwardMetrics metrics;
    private final RateLimitedLog log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final InFlightBudget budget;
    private final BackPressure backPressure;
    private final ChannelGroup connections = new DefaultChannelGroup("forward-connections", GlobalEventExecutor.INSTANCE);
    private final SecureRandom random = new SecureRandom();
    private final PingReplayGuard replays = new PingReplayGuard(16_384);
    /** Null without {@code tls}; built by {@link #start()}. */
    private SslContext tls;
    /** False from {@link #drain} on: no new connection, no more reading. */
    private volatile boolean accepting = true;
    private volatile boolean paused;
    private volatile int boundPort = -1;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;
    private boolean drained;
    private boolean closed;
    /** Joins multiline events across the chunks of a connection and tag; null without {@code multiline:}. */
    private final MultilineCarry carry;
    private final ScheduledExecutorService carryTimer;

    public ForwardInput(ForwardConfig config, Ingest ingest, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.ingest = ingest;
        this.clock = clock;
        this.budget = new InFlightBudget(config.maxInFlightBytes());
        this.metrics = new ForwardMetrics(registry, config.name(), budget);
        this.log = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
        this.backPressure = new BackPressure(ForwardInputType.TYPE, config.name(), ingest, registry, log);
        if (config.multiline() != null) {
            this.carryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "multiline-" + config.name());
                t.setDaemon(true);
                return t;
            });
            this.carry = new MultilineCarry(config.multiline(), config.flushTimeout(), carryTimer, MultilineCarry.Bounds.standard(),
                    registry, config.name());
        } else {
            this.carryTimer = null;
            this.carry = null;
        }
    }

    @Override
    public void start() throws InterruptedException {
        if (server != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        if (config.security().tls() != null) {
            try {
                tls = ForwardTls.serverContext(config.security().tls());
            } catch (ForwardTls.FileProblem e) {
                throw new IllegalStateException("forward input '" + config.name() + "': " + e.key() + ": " + e.getMessage(), e);
            }
        }
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("forward-accept-" + config.name()),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(config.workerThreads(),
                new DefaultThreadFactory("forward-io-" + config.name()), NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // larger reads for bulk PackedForward traffic; the decoder bounds what it buffers
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch);
                    }
                });
        try {
            server = b.bind(config.bind(), config.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdownGroups();
            throw e;
        }
        boundPort = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Builds one connection's pipeline: timeouts, then TLS and the handshake when configured, then decoder and connection. */
    private void initConnection(SocketChannel ch) {
        if (!accepting) {
            ch.close();
            return;
        }
        connections.add(ch);
        ForwardSecurity security = config.security();
        ForwardDecoder decoder = new ForwardDecoder(config.maxFrameBytes(), config.maxDecompressedBytes());
        ForwardConnectionHandler connection = new ForwardConnectionHandler(config.name(), ingest, metrics, log, clock,
                config.maxInFlight(), inFlight, budget, this::takesEvents, backPressure, carry);
        SslHandler ssl = null;
        if (tls != null) {
            ssl = tls.newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(0); // ConnectionTimeouts bounds the TLS and shared_key handshakes together
        }
        ForwardHandshake handshake = security.handshake()
                ? new ForwardHandshake(config.name(), security, random, replays, metrics, log, ssl != null) : null;
        SslHandler s = ssl;
        BooleanSupplier handshaking = () -> (s != null && !s.handshakeFuture().isDone()) || (handshake != null && !handshake.done());
        // a connection opened while paused waits unread; a pause() racing with this sees the channel in the group
        ch.config().setAutoRead(takesEvents());
        ch.pipeline().addLast(TIMEOUTS_STAGE, new ConnectionTimeouts(config.name(), config.idleTimeout(), config.frameTimeout(),
                decoder, connection::acksOwed, security.handshakeTimeout(), handshaking, metrics, log));
        if (ssl != null) {
            ch.pipeline().addLast(TLS_STAGE, ssl);
        }
        if (handshake != null) {
            ch.pipeline().addLast(HANDSHAKE_STAGE, handshake);
        }
        ch.pipeline().addLast("decoder", decoder).addLast("connection", connection);
    }

    /** The port actually bound; -1 before {@link #start()}. */
    @Override
    public int boundPort() { return boundPort; }

    @Override
    public String name() { return config.name(); }

    @Override
    public String describe() { return config.bind() + ":" + boundPort; }

    public ForwardConfig config() { return config; }

    private boolean takesEvents() { return accepting && !paused; }

    @Override
    public void pause() {
        paused = true;
        readingChanged();
    }

    @Override
    public void resume() {
        paused = false;
        readingChanged();
    }

    /**
     * Makes every connection re-decide whether it reads, on its event loop (it may be held back by
     * its own limits too). Stopping also turns reading off at once from here (thread-safe), so no
     * further read starts; the re-decision then closes the race with a handler that decided to
     * read just before the flag changed.
     */
    private void readingChanged() {
        boolean stop = !takesEvents();
        for (Channel c : connections) {
            if (stop) {
                c.config().setAutoRead(false);
            }
            c.pipeline().fireUserEventTriggered(ForwardConnectionHandler.READING_CHANGED);
        }
    }

    @Override
    public boolean paused() { return !takesEvents(); }

    /**
     * Stops accepting connections and reading, then waits for in-flight requests to be answered,
     * at most the shorter of {@code timeout} and {@code drain_timeout}. Connections stay open so
     * that the acks are written; {@link #close()} closes them.
     */
    @Override
    public boolean drain(Duration timeout) throws InterruptedException {
        drained = true;
        accepting = false;
        if (server == null) {
            return true;
        }
        readingChanged();
        if (carry != null) {
            carry.close(); // open multiline events are stored as they are, so their chunks can be acked before the deadline
        }
        server.close().sync();
        Duration bound = timeout.compareTo(config.drainTimeout()) < 0 ? timeout : config.drainTimeout();
        long deadline = System.nanoTime() + bound.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (inFlight.get() > 0) {
            LOG.warn("forward input '{}': {} requests still unanswered after draining for {}; closing drops them without their acks",
                    config.name(), inFlight.get(), bound);
            return false;
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!drained) {
                drain(config.drainTimeout());
            }
            if (server != null) {
                connections.close().await(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            shutdownGroups();
            if (carryTimer != null) {
                carryTimer.shutdownNow();
            }
        }
    }

    private void shutdownGroups() throws InterruptedException {
        if (boss != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        if (boss != null) {
            boss.terminationFuture().await(5, TimeUnit.SECONDS);
        }
    }
}
