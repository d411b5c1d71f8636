package io.gorgon.roles.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.gorgon.roles.config.GorgonConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: the guard resolves a host once, checks the addresses and the request connects to those, on every
 * redirect hop too. The names below exist only in the scripted resolver; the HTTP client reaching the local server
 * by them at all shows its connect used the guard's answer, not a lookup of its own.
 */
class UrlGuardRebindingTest {
    HttpServer server;
    final List<String> hosts = new CopyOnWriteArrayList<>(); // Host header of every request the server got
    final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    final InetAddress loopback = InetAddress.getLoopbackAddress();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
        server.createContext("/feed", ex -> {
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            byte[] b = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/hop", ex -> {
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            ex.getResponseHeaders().add("Location", "http://second.rebind.invalid:" + port() + "/feed");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Counts lookups per host; answers {@code first} to the first lookup of a host and {@code later} after. */
    UrlGuard.Resolver scripted(InetAddress first, InetAddress later) {
        return host -> {
            if (!host.endsWith(".rebind.invalid")) throw new UnknownHostException(host);
            int n = lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            return new InetAddress[] {n == 1 ? first : later};
        };
    }

    static FeedFetcher fetcher(UrlGuard guard, long timeoutMs) {
        return new FeedFetcher(new GorgonConfig.Feeds(false, 1000, 60_000, 60_000, timeoutMs, 1 << 20, 3, 100, 4, 10_000), guard);
    }

    @Test
    void theJvmResolverIsThePinningOne() {
        assertTrue(PinnedDns.installed(), "META-INF/services/java.net.spi.InetAddressResolverProvider names PinnedDns");
    }

    @Test
    void theConnectGoesToTheAddressTheGuardResolvedOnce() {
        try (FeedFetcher f = fetcher(new UrlGuard(true, scripted(loopback, loopback)), 5000)) {
            var r = f.fetch(URI.create("http://first.rebind.invalid:" + port() + "/feed"), null, null);
            assertInstanceOf(FeedFetcher.Result.Fetched.class, r, r::toString);
        }
        assertEquals(List.of("first.rebind.invalid:" + port()), hosts);
        assertEquals(1, lookups.get("first.rebind.invalid").get(), "one lookup: the guard's");
    }

    @Test
    void anAnswerThatTurnsPrivateAfterTheCheckIsNeverConnectedTo() throws Exception {
        // Public (TEST-NET-3, unroutable) to the guard's lookup, loopback to any later one: the rebinding attack.
        InetAddress publicAddress = InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7});
        try (FeedFetcher f = fetcher(new UrlGuard(false, scripted(publicAddress, loopback)), 1500)) {
            var r = f.fetch(URI.create("http://evil.rebind.invalid:" + port() + "/feed"), null, null);
            assertInstanceOf(FeedFetcher.Result.Failed.class, r, "the checked public address does not answer: " + r);
            // And the next poll's lookup (the rebound answer) is refused by the check, not connected to.
            var again = f.fetch(URI.create("http://evil.rebind.invalid:" + port() + "/feed"), null, null);
            assertTrue(again instanceof FeedFetcher.Result.Failed failed && failed.reason().contains("private or loopback"), again::toString);
        }
        assertEquals(List.of(), hosts, "the loopback server was never reached");
        assertEquals(2, lookups.get("evil.rebind.invalid").get(), "one lookup per fetch");
    }

    @Test
    void everyRedirectHopIsResolvedOnceCheckedAndPinned() throws Exception {
        try (FeedFetcher f = fetcher(new UrlGuard(true, scripted(loopback, loopback)), 5000)) {
            var r = f.fetch(URI.create("http://first.rebind.invalid:" + port() + "/hop"), null, null);
            assertInstanceOf(FeedFetcher.Result.Fetched.class, r, r::toString);
        }
        assertEquals(List.of("first.rebind.invalid:" + port(), "second.rebind.invalid:" + port()), hosts);
        assertEquals(1, lookups.get("first.rebind.invalid").get());
        assertEquals(1, lookups.get("second.rebind.invalid").get());
        // A redirect to a host that resolves privately is refused when private addresses are not allowed.
        InetAddress publicAddress = InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 8});
        UrlGuard strict = new UrlGuard(false, host -> new InetAddress[] {host.startsWith("second.") ? loopback : publicAddress});
        assertTrue(assertThrowsRefused(() -> strict.pin("second.rebind.invalid")).contains("private or loopback"));
    }

    interface Pinning {
        PinnedDns.Pin run() throws UrlGuard.Refused;
    }

    static String assertThrowsRefused(Pinning p) {
        try (PinnedDns.Pin pin = p.run()) {
            throw new AssertionError("not refused");
        } catch (UrlGuard.Refused e) {
            return e.getMessage();
        }
    }
}
