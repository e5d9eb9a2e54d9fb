package io.loglane.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which server a command talks to: {@code --server}, then {@code LOGLANE_SERVER}, then a live server's state file, then :8080. */
class ServerLocatorTest {
    @Test
    void anExplicitServerWinsOverTheEnvironmentAndTheStateFile(@TempDir Path data) throws Exception {
        ServerStateFile.write(data, "http://127.0.0.1:9191", 24299);
        assertThat(ServerLocator.resolve("http://h:1", Map.of(ServerLocator.ENV, "http://e:2"), data)).isEqualTo("http://h:1");
    }

    @Test
    void theEnvironmentWinsOverTheStateFile(@TempDir Path data) throws Exception {
        ServerStateFile.write(data, "http://127.0.0.1:9191", 24299);
        assertThat(ServerLocator.resolve(null, Map.of(ServerLocator.ENV, "http://e:2"), data)).isEqualTo("http://e:2");
    }

    @Test
    void aLiveServersStateFileIsFoundWithoutFlags(@TempDir Path data) throws Exception {
        ServerStateFile.write(data, "http://127.0.0.1:9191", 24299);
        assertThat(ServerLocator.resolve(null, Map.of(), data)).isEqualTo("http://127.0.0.1:9191");
    }

    @Test
    void aStateFileLeftByADeadProcessIsIgnored(@TempDir Path data) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long deadPid = p.pid();
        Files.writeString(data.resolve(ServerStateFile.NAME), "{\"url\":\"http://127.0.0.1:9191\",\"pid\":" + deadPid + "}");
        assertThat(ServerLocator.resolve(null, Map.of(), data)).isEqualTo(ServerLocator.DEFAULT_URL);
    }

    @Test
    void withNothingRecordedTheDefaultPortIsUsed(@TempDir Path data) {
        assertThat(ServerLocator.resolve(null, Map.of(), data)).isEqualTo(ServerLocator.DEFAULT_URL);
        assertThat(ServerLocator.resolve("  ", Map.of(ServerLocator.ENV, ""), data)).isEqualTo(ServerLocator.DEFAULT_URL);
    }

    @Test
    void aServerBoundToEveryInterfaceIsRecordedAsLoopback() throws Exception {
        // The wildcard addresses as a user would configure them (nothing is bound here).
        String anyV4 = InetAddress.getByAddress(new byte[4]).getHostAddress(); // the IPv4 wildcard, from its four zero bytes
        assertThat(ServerStateFile.url(anyV4, 8080)).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerStateFile.url("::", 8080)).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerStateFile.url("[::]", 8080)).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerStateFile.url("logs.example", 81)).as("a host name is kept, not resolved").isEqualTo("http://logs.example:81");
        assertThat(ServerStateFile.url("127.0.0.2", 81)).isEqualTo("http://127.0.0.2:81");
        assertThat(ServerStateFile.url("::1", 81)).isEqualTo("http://[::1]:81");
        assertThat(ServerStateFile.url("0.0.0.0", 8443, true)).as("a TLS port").isEqualTo("https://127.0.0.1:8443");
    }

    @Test
    void onlyTheOwnStateFileIsDeleted(@TempDir Path data) throws Exception {
        Path f = data.resolve(ServerStateFile.NAME);
        Files.writeString(f, "{\"url\":\"http://127.0.0.1:9191\",\"pid\":" + ProcessHandle.current().parent().orElseThrow().pid() + "}");
        ServerStateFile.deleteOwn(data);
        assertThat(f).as("another process's record stays").exists();
        ServerStateFile.write(data, "http://127.0.0.1:9191", 1);
        ServerStateFile.deleteOwn(data);
        assertThat(f).doesNotExist();
    }
}
