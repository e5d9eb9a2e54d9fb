package io.loglane.inputs.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log groups and streams: kept across reopening, never claimed when the state file could not be written. */
class LogGroupsTest {
    @TempDir
    Path dir;

    @Test
    void whatWasCreatedIsThereAfterReopening() throws Exception {
        LogGroups g = LogGroups.open(dir.resolve("state"));
        g.createGroup("/a", 1);
        g.createStream("/a", "s1", 2);
        LogGroups again = LogGroups.open(dir.resolve("state"));
        again.requireStream("/a", "s1");
        assertThat(again.streams("/a", "", null, 50)).containsExactly(Map.entry("s1", 2L));
        assertThatThrownBy(() -> again.createGroup("/a", 3)).isInstanceOf(CloudWatchError.class)
                .extracting(e -> ((CloudWatchError) e).type()).isEqualTo("ResourceAlreadyExistsException");
    }

    @Test
    void aCreateWhoseStateFileCannotBeWrittenFailsAndIsNotRemembered() throws Exception {
        Path state = dir.resolve("state");
        LogGroups g = LogGroups.open(state);
        Files.writeString(state, "a file where the directory should be"); // the write fails for real
        assertThatThrownBy(() -> g.createGroup("/lost", 1)).isInstanceOf(IOException.class);
        Files.delete(state);
        g.createGroup("/lost", 2); // not "already exists": the failed create left nothing behind
        assertThatThrownBy(() -> g.requireStream("/lost", "s")).isInstanceOf(CloudWatchError.class)
                .hasMessageContaining("log stream does not exist");
        assertThat(LogGroups.open(state).groups("", null, 50)).containsExactly(Map.entry("/lost", 2L));
    }

    @Test
    void anUnreadableStateFileFailsTheOpenInsteadOfForgetting() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state").resolve(LogGroups.FILE), "{\"version\": 1, \"groups\": {\"/a\": ");
        assertThatThrownBy(() -> LogGroups.open(dir.resolve("state"))).isInstanceOf(IOException.class);
    }

    @Test
    void pagesOfStreamsFollowEachOtherByName() throws Exception {
        LogGroups g = LogGroups.open(dir);
        g.createGroup("g", 0);
        for (String s : new String[] {"web-3", "web-1", "db-1", "web-2"}) {
            g.createStream("g", s, 0);
        }
        assertThat(g.streams("g", "web-", null, 2)).extracting(Map.Entry::getKey).containsExactly("web-1", "web-2", "web-3");
        assertThat(g.streams("g", "web-", "web-2", 2)).extracting(Map.Entry::getKey).containsExactly("web-3");
    }
}
