package io.gorgon.roles.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.roles.config.GorgonConfig;
import io.undertow.Undertow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 #6: no listener set read or idle timeouts, so a client sending one byte every 30 s kept a connection and a
 * thread forever. With {@link HttpLimits}, slow headers, a trickled body and a silent connection are each cut off.
 */
class SlowClientTest {
    private static final GorgonConfig.Http LIMITS = new GorgonConfig.Http(800, 1200, 1500, 100);
    private Undertow server;
    private int port;

    @BeforeEach
    void start() {
        server = HttpLimits.builder(LIMITS, false).addHttpListener(0, "127.0.0.1").setHandler(ex -> {
            if (ex.isInIoThread()) {
                ex.dispatch(ex2 -> {
                    ex2.startBlocking();
                    try {
                        byte[] body = HttpLimits.readBody(ex2.getInputStream(), 1000, LIMITS.bodyTimeoutMs());
                        ex2.getResponseSender().send("got " + body.length);
                    } catch (HttpLimits.SlowBody e) {
                        ex2.setStatusCode(408);
                        ex2.setPersistent(false);
                        ex2.getResponseSender().send("slow");
                    }
                });
            }
        }).build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** Sends {@code head} at once, then one byte of {@code trickle} every 300 ms; returns what came back before close. */
    private String trickle(String head, String trickle) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(300);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            StringBuilder got = new StringBuilder();
            long giveUp = System.currentTimeMillis() + 20_000;
            int i = 0;
            while (System.currentTimeMillis() < giveUp) {
                try {
                    if (i < trickle.length()) out.write(trickle.charAt(i++));
                } catch (IOException closed) {
                    return got.append(drain(in)).toString();
                }
                try {
                    int b = in.read();
                    if (b < 0) return got.toString();
                    got.append((char) b).append(drain(in));
                } catch (SocketTimeoutException quiet) {
                    // nothing yet
                } catch (IOException reset) {
                    return got.toString();
                }
            }
            throw new AssertionError("the server kept the slow connection open for 20 s; got: " + got);
        }
    }

    private static String drain(InputStream in) {
        StringBuilder b = new StringBuilder();
        try {
            int n;
            byte[] buf = new byte[4096];
            while (in.available() > 0 && (n = in.read(buf)) > 0) b.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // closed
        }
        return b.toString();
    }

    @Test
    void slowHeadersAreCutOff() throws IOException {
        String got = trickle("GET / HTTP/1.1\r\n", "X-Slow: " + "a".repeat(200));
        assertTrue(!got.contains("200"), got);
    }

    @Test
    void aTrickledBodyIsAnsweredTimeoutAndClosed() throws IOException {
        String got = trickle("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n", "b".repeat(200));
        assertTrue(got.startsWith("HTTP/1.1 408") || got.isEmpty(), got);
    }

    @Test
    void aSilentConnectionIsClosed() throws IOException {
        assertEquals("", trickle("", ""));
    }

    @Test
    void aNormalRequestStillWorks() throws IOException {
        String got = trickle("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", "");
        assertTrue(got.startsWith("HTTP/1.1 200") && got.endsWith("got 2"), got);
    }
}
