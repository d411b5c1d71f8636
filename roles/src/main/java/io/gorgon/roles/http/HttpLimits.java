package io.gorgon.roles.http;

import io.gorgon.roles.config.GorgonConfig;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.xnio.Options;

/**
 * The limits every Gorgon HTTP listener applies ({@code http.*} in the config), so that a client that sends one byte
 * every 30 s, or opens connections and sends nothing, costs a bounded time and one of a bounded number of
 * connections:
 * <ul>
 *   <li>headers must arrive within {@code headerTimeoutMs} (REQUEST_PARSE_TIMEOUT);</li>
 *   <li>a connection with no request in progress is closed after {@code idleTimeoutMs} (NO_REQUEST_TIMEOUT);</li>
 *   <li>at {@code maxConnections} the listener stops accepting until it is back under 90 % (high/low water);</li>
 *   <li>headers are capped at 16 KiB.</li>
 * </ul>
 * Request-response listeners (web) also get an idle timeout on the socket itself. Streaming listeners (SSE on stats,
 * WebSockets on notify) don't, since a healthy stream can be quiet for long; their own caps bound them.
 */
public final class HttpLimits {
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    private HttpLimits() {}

    /** The body did not arrive within {@code bodyTimeoutMs}: answer 408 and close. */
    public static final class SlowBody extends java.io.IOException {
        public SlowBody(long ms) {
            super("the request body did not arrive within " + ms + " ms", null);
        }
    }

    /**
     * Reads at most {@code max + 1} bytes of a body, giving up with {@link SlowBody} once {@code timeoutMs} has passed:
     * a client trickling a byte at a time can hold a thread for about that long, not forever.
     */
    public static byte[] readBody(java.io.InputStream in, int max, long timeoutMs) throws java.io.IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.min(max + 1, 8192));
        byte[] buf = new byte[8192];
        int n;
        while (out.size() <= max && (n = in.read(buf, 0, Math.min(buf.length, max + 1 - out.size()))) >= 0) {
            out.write(buf, 0, n);
            if (System.nanoTime() > deadline) throw new SlowBody(timeoutMs);
        }
        return out.toByteArray();
    }

    /** A builder with the limits applied; {@code streaming} for listeners whose responses are long-lived streams. */
    public static Undertow.Builder builder(GorgonConfig.Http http, boolean streaming) {
        int max = http.maxConnections();
        Undertow.Builder b = Undertow.builder()
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) http.headerTimeoutMs())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) http.idleTimeoutMs())
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                .setSocketOption(Options.CONNECTION_HIGH_WATER, max)
                .setSocketOption(Options.CONNECTION_LOW_WATER, Math.max(1, max - max / 10));
        if (!streaming) {
            b.setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) http.idleTimeoutMs());
            // Bounds each blocking body read; the reader bounds the whole body with bodyTimeoutMs (see readBody).
            b.setSocketOption(Options.READ_TIMEOUT, (int) Math.min(http.bodyTimeoutMs(), http.idleTimeoutMs()));
        }
        return b;
    }
}
