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
        return nextFree(null, base, taken);
    }

    /** The same on one address ({@code null}: every interface), so hosts sharing a machine don't skip each other's ports. */
    public static int nextFree(String address, int base, Set<Integer> taken) {
        for (int p = base + 1; p <= 65535; p++) {
            if (!taken.contains(p) && isFree(address, p)) return p;
        }
        throw new IllegalStateException("no free port above " + base);
    }

    /**
     * True if a server could bind {@code port} right now. With SO_REUSEADDR, as redis-server, netty and the JDK's
     * servers bind: a listener anywhere on the port still counts, the TIME_WAIT connections of a run that just
     * stopped do not (without it, a restart was refused for about a minute after every stop).
     */
    public static boolean isFree(int port) {
        return isFree(null, port);
    }

    /** {@link #isFree(int)} on one address ({@code null} or 0.0.0.0: every interface). */
    public static boolean isFree(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
