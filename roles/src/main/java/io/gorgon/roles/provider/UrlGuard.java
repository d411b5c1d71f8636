package io.gorgon.roles.provider;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs the provider may fetch or POST to: http(s) only, at most 2 KiB, and (unless config allows it, as the
 * local config does for the simulator's servers) none whose host resolves to a loopback, private, link-local,
 * carrier-grade NAT, multicast or unspecified address, so a user cannot point the provider at the mesh's own
 * Redis or a cloud metadata endpoint. Checked when a feed or webhook is registered and again before every request
 * and redirect hop, by {@link #pin}: the host is resolved once, its addresses checked, and the HTTP client's own
 * lookup while the request is made answers those same addresses ({@link PinnedDns}), so a DNS answer that changes
 * between the check and the connect (rebinding) cannot send the request to a private address.
 */
final class UrlGuard {
    static final int MAX_CHARS = 2048;
    private final boolean allowPrivate;
    private final Resolver resolver;

    /** A host's addresses (the JDK's lookup in production; a scripted one in tests). */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    UrlGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    UrlGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** The normalised URL (lower-case scheme and host, no fragment), or a Refused with the reason. */
    URI check(String text) throws Refused {
        URI u = normalise(text);
        checkAddress(u.getHost());
        return u;
    }

    /** {@link #check} without resolving the host: for a redirect, whose hop is then made through {@link #pin}. */
    URI normalise(String text) throws Refused {
        if (text == null || text.isBlank()) throw new Refused("url is required");
        if (text.length() > MAX_CHARS) throw new Refused("url longer than " + MAX_CHARS + " characters");
        URI u;
        try {
            u = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new Refused("url is not a valid URI");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw new Refused("url must be http or https");
        if (u.getHost() == null || u.getHost().isEmpty()) throw new Refused("url has no host");
        if (u.getRawUserInfo() != null) throw new Refused("url must not carry credentials");
        try {
            u = new URI(scheme, null, u.getHost().toLowerCase(Locale.ROOT), u.getPort(), u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath(),
                    u.getQuery(), null);
        } catch (URISyntaxException e) {
            throw new Refused("url is not a valid URI");
        }
        return u;
    }

    void checkAddress(String host) throws Refused {
        if (!allowPrivate) checked(host);
    }

    /**
     * Resolves {@code host} once, checks every address, and pins them: until the handle is closed the JVM's lookups
     * of that host answer exactly these addresses. Make the request (connect) inside the handle.
     */
    PinnedDns.Pin pin(String host) throws Refused {
        return PinnedDns.pin(host, List.of(checked(host)));
    }

    private InetAddress[] checked(String host) throws Refused {
        InetAddress[] all;
        try {
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve");
        }
        if (all == null || all.length == 0) throw new Refused("host " + host + " does not resolve");
        for (InetAddress a : all) {
            if (!allowPrivate && isPrivate(a)) {
                throw new Refused("host " + host + " resolves to a private or loopback address (" + a.getHostAddress() + ")");
            }
        }
        return all;
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()) return true;
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
            boolean mapped = true; // ::ffff:a.b.c.d carries an IPv4 address: judge that one
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return isPrivate(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return false;
        }
        int first = b[0] & 0xff, second = b[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128) // 0/8, 100.64/10 carrier-grade NAT
                || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || first >= 240; // 192.0.0/24, 240/4 reserved
    }

    /** A URL the provider will not use, with the reason (answered as 400). */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
