package io.gorgon.simulator;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;

/**
 * One keep-alive HTTP/1.1 connection, used by one closed-loop reader at a time: a blocking socket, one GET, the whole
 * answer read. The load generator runs on the same 2 cores as the mesh it measures, and java.net.http.HttpClient
 * spent ~540 µs of CPU per request there (selector thread, futures, executor hand-offs) — as much as two roles.
 *
 * <p>Failures are typed for the outcome counts: {@link ConnectFailed} (nothing was sent), {@link SocketTimeoutException}
 * (sent, no complete answer in time), any other IOException (the connection broke). A connection that fails is closed;
 * the next request opens a new one.
 */
final class PlainHttp implements AutoCloseable {
    /** The connection could not be opened: refused, or no answer to the connect within the connect timeout. */
    static final class ConnectFailed extends IOException {
        final boolean timedOut;

        ConnectFailed(IOException cause, boolean timedOut) {
            super(cause.getMessage(), cause);
            this.timedOut = timedOut;
        }
    }

    record Response(int status, String body) {}

    private final URI base;
    private final int connectTimeoutMs;
    private final String hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    PlainHttp(URI base, int connectTimeoutMs) {
        this.base = base;
        this.connectTimeoutMs = connectTimeoutMs;
        this.hostHeader = base.getHost() + ":" + port(base);
    }

    /** GET {@code pathAndQuery} with these extra header lines (each "Name: value"); waits at most timeoutMs for the answer. */
    Response get(String pathAndQuery, String headers, int timeoutMs) throws IOException {
        boolean reused = socket != null;
        try {
            return exchange(pathAndQuery, headers, timeoutMs);
        } catch (EOFException | java.net.SocketException e) {
            close();
            if (!reused || e instanceof ConnectFailed) throw e;
            // The server closed an idle kept-alive connection before reading this request: once more on a fresh one.
            return exchange(pathAndQuery, headers, timeoutMs);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Response exchange(String pathAndQuery, String headers, int timeoutMs) throws IOException {
        if (socket == null) connect();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String status = line(deadline);
        if (!status.startsWith("HTTP/1.") || status.length() < 12) throw new IOException("not an HTTP response: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false, close = status.startsWith("HTTP/1.0");
        for (String h = line(deadline); !h.isEmpty(); h = line(deadline)) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT), value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) Math.min(length, 1 << 20) : 256);
        if (chunked) {
            for (long n = Long.parseLong(line(deadline).split(";")[0].trim(), 16); n > 0; n = Long.parseLong(line(deadline).split(";")[0].trim(), 16)) {
                copy(n, body, deadline);
                line(deadline);
            }
            while (!line(deadline).isEmpty()) { } // trailers
        } else if (length >= 0) {
            copy(length, body, deadline);
        } else {
            close = true; // length unknown: the body ends with the connection
            copy(Long.MAX_VALUE, body, deadline);
        }
        if (close) close();
        return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(base.getHost(), port(base)), connectTimeoutMs);
            if ("https".equals(base.getScheme())) {
                s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, base.getHost(), port(base), true);
            }
        } catch (SocketTimeoutException e) {
            s.close();
            throw new ConnectFailed(e, true);
        } catch (IOException e) {
            s.close();
            throw new ConnectFailed(e, false);
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
    }

    private void timeout(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) throw new SocketTimeoutException("no complete answer in time");
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    private String line(long deadline) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            timeout(deadline);
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed");
            if (b == '\n') break;
            if (b != '\r') sb.append((char) b);
        }
        return sb.toString();
    }

    /** Copies n body bytes; {@link Long#MAX_VALUE} means up to the end of the connection. */
    private void copy(long n, ByteArrayOutputStream to, long deadline) throws IOException {
        byte[] buf = new byte[8192];
        boolean untilClose = n == Long.MAX_VALUE;
        while (n > 0) {
            timeout(deadline);
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                if (untilClose) return;
                throw new EOFException("connection closed mid-body");
            }
            to.write(buf, 0, r);
            if (!untilClose) n -= r;
        }
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
