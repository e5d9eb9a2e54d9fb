package io.loglane.app.api;

import io.loglane.core.config.HttpSecurity;
import io.loglane.core.tls.PemKeyStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds the HTTP port's one Jetty connector: plain HTTP/1.1, or HTTPS only when
 * {@code server.tls} is set (the key store is built in memory from the PEM files, protected by a
 * random password that never leaves the process); request heads capped at
 * {@code server.http_max_header} (431, 414 for the URI); {@code server.http_idle_timeout}; and the
 * {@link SlowClientGuard} for {@code server.http_header_timeout}.
 *
 * <p>Thread-safety: call from the thread that starts the server.
 */
final class HttpConnectorFactory {
    private HttpConnectorFactory() {}

    static Connector create(Server server, HttpConfiguration http, String bind, int port, HttpSecurity sec, MeterRegistry registry) {
        http.setRequestHeaderSize((int) sec.maxHeader());
        ServerConnector connector;
        if (sec.tls() == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            char[] password = UUID.randomUUID().toString().toCharArray();
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemKeyStore.load(sec.tls().cert(), sec.tls().key(), password));
            ssl.setKeyStorePassword(new String(password));
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // clients reach the node by IP as often as by name: the certificate, not the Host header, is the check
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            http.setSecureScheme("https");
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        }
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(sec.idleTimeout().toMillis());
        connector.addBean(new SlowClientGuard(connector.getScheduler(), sec.headerTimeout(), registry));
        return connector;
    }
}
