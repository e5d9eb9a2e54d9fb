package io.loglane.inputs.container;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pod container's identity as the kubelet names its log files:
 * {@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log}, and the symlink
 * {@code /var/log/containers/<pod>_<namespace>_<container>-<container id>.log} pointing at it.
 * Namespaces and pod names are DNS names (no {@code _}), so the separators are unambiguous. A
 * symlink's own name gives the container id; its target gives the pod's uid. Any part not found is null.
 *
 * @param namespace   the pod's namespace
 * @param pod         the pod's name
 * @param uid         the pod's uid
 * @param container   the container's name in the pod
 * @param containerId the runtime's container id (from a {@code /var/log/containers} link name only)
 */
record CriPath(String namespace, String pod, String uid, String container, String containerId) {
    /** The identity of the file matched at {@code path} (following it if it is a symlink). */
    static CriPath of(Path path) {
        CriPath own = parse(path);
        if (own.uid != null) {
            return own;
        }
        try {
            CriPath target = parse(path.toRealPath());
            return new CriPath(first(target.namespace, own.namespace), first(target.pod, own.pod), target.uid,
                    first(target.container, own.container), own.containerId);
        } catch (IOException | RuntimeException e) {
            return own; // gone meanwhile: what the name says
        }
    }

    private static String first(String a, String b) { return a != null ? a : b; }

    private static CriPath parse(Path path) {
        Path container = path.getParent();
        Path pod = container == null ? null : container.getParent();
        if (pod != null && pod.getFileName() != null) {
            String[] p = pod.getFileName().toString().split("_", -1);
            if (p.length == 3 && !p[0].isEmpty() && !p[1].isEmpty() && !p[2].isEmpty()) {
                return new CriPath(p[0], p[1], p[2], container.getFileName().toString(), null);
            }
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (name.endsWith(".log")) {
            String[] p = name.substring(0, name.length() - 4).split("_", -1);
            int dash = p.length == 3 ? p[2].lastIndexOf('-') : -1;
            if (dash > 0 && dash < p[2].length() - 1) {
                return new CriPath(p[1], p[0], null, p[2].substring(0, dash), p[2].substring(dash + 1));
            }
        }
        return new CriPath(null, null, null, null, null);
    }
}
