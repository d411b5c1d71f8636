package io.gorgon.roles.provider;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (installed through META-INF/services), which answers a host the {@link UrlGuard} has
 * pinned with the very addresses the guard resolved and checked, and every other host as the JDK would. The HTTP
 * client resolves a URL's host itself when it connects; without the pin, a DNS server that answers a public address
 * to the guard and a private one a moment later (DNS rebinding) would get the provider to connect to the private
 * one. A pin lasts while a request to that host is in flight; two concurrent requests to one host share the newest
 * checked answer (both answers passed the guard). Outside pins this is a pass-through: no cost to other lookups.
 */
public final class PinnedDns extends InetAddressResolverProvider {
    private static final Map<String, Held> PINS = new ConcurrentHashMap<>();

    private record Held(List<InetAddress> addresses, int holders) {}

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                Held p = PINS.get(host.toLowerCase(java.util.Locale.ROOT));
                return p != null ? p.addresses().stream() : builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "gorgon-pinned-dns";
    }

    /** A pinned host, released by close. */
    interface Pin extends AutoCloseable {
        @Override
        void close();
    }

    /** Until the returned handle is closed, lookups of {@code host} answer {@code addresses}. */
    static Pin pin(String host, List<InetAddress> addresses) {
        String key = host.toLowerCase(java.util.Locale.ROOT);
        PINS.compute(key, (k, p) -> new Held(List.copyOf(addresses), p == null ? 1 : p.holders() + 1));
        return () -> PINS.computeIfPresent(key, (k, p) -> p.holders() <= 1 ? null : new Held(p.addresses(), p.holders() - 1));
    }

    /** Whether this resolver is the JVM's (it is unless META-INF/services was lost, e.g. by a repackaging). */
    static boolean installed() {
        String probe = "pinned-dns-probe.invalid";
        try (Pin pin = pin(probe, List.of(InetAddress.getByAddress(probe, new byte[] {(byte) 192, 0, 2, 1})))) {
            return InetAddress.getByName(probe).getHostAddress().equals("192.0.2.1");
        } catch (Exception e) {
            return false;
        }
    }
}
