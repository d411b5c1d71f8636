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

    /**
     * True if a server could bind {@code port} right now. With SO_REUSEADDR, as redis-server, netty and the JDK's
     * servers bind: a listener anywhere on the port still counts, the TIME_WAIT connections of a run that just
     * stopped do not (without it, a restart was refused for about a minute after every stop).
     */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
