package io.gorgon.roles.infra;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Port checks for several instances of a listening role on one host. */
public final class Ports {
    private Ports() {}

    /** The first port after {@code base} that nobody listens on and that is not in {@code taken}. */
    public static int nextFree(int base, Set<Integer> taken) {
        for (int p = base + 1; p <= 65535; p++) {
            if (!taken.contains(p) && isFree(p)) return p;
        }
        throw new IllegalStateException("no free port above " + base);
    }

    /** True if a server could bind {@code port} on all interfaces right now. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
