package io.loglane.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads {@code users: [{username, password}, ...]} into {@link UserPassword}s; each problem is
 * reported at its own line and key ({@code users[1].password}), a username given twice too.
 *
 * <p>Thread-safety: stateless.
 */
final class UsersReader {
    private UsersReader() {}

    static List<UserPassword> read(Node node) {
        if (!(node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode)) {
            throw new ConfigValueException(node, "", "expected a list of {username, password}");
        }
        List<Node> items = YamlNodes.items(node);
        List<UserPassword> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String at = "[" + i + "]";
            MappingNode m;
            try {
                m = YamlNodes.mapping(item);
            } catch (ConfigValueException e) {
                throw new ConfigValueException(item, at, "a user is {username: name, password: secret}");
            }
            String username = null;
            String password = null;
            for (NodeTuple t : YamlNodes.entries(m)) {
                String k = YamlNodes.key(t);
                String v = YamlNodes.itemScalar(t, at);
                if (v.isEmpty()) {
                    throw new ConfigValueException(t.getValueNode(), at + "." + k, "must not be empty");
                }
                switch (k) {
                    case "username" -> username = v;
                    case "password" -> password = v;
                    default -> throw new ConfigValueException(t.getKeyNode(), at + "." + k, "unknown key (a user has username and password)");
                }
            }
            if (username == null || password == null) {
                throw new ConfigValueException(item, at + (username == null ? ".username" : ".password"), "required");
            }
            if (!names.add(username)) {
                throw new ConfigValueException(item, at + ".username", "user \"" + username + "\" is listed twice");
            }
            out.add(new UserPassword(username, password));
        }
        return List.copyOf(out);
    }
}
