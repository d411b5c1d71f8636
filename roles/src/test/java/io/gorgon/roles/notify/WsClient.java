package io.gorgon.roles.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that queues the JSON frames it receives and records how it was closed. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    /** Connects with the token in the Authorization header. */
    static WsClient connect(int port, String token) {
        WsClient c = new WsClient();
        c.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), c).join();
        return c;
    }

    /** Connects with the token as a query parameter, as a browser must. */
    static WsClient connectWithQuery(int port, String token) {
        WsClient c = new WsClient();
        c.ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), c).join();
        return c;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next frame, failing after 5 s. */
    JsonObject next() {
        try {
            JsonObject f = frames.poll(5, TimeUnit.SECONDS);
            assertNotNull(f, "no frame within 5 s");
            return f;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must have this op. */
    JsonObject next(String op) {
        JsonObject f = next();
        assertEquals(op, f.get("op").getAsString(), "frame " + f);
        return f;
    }

    /** Drops the connection without a closing handshake, like a client whose network went away. */
    void abort() {
        ws.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(JsonParser.parseString(partial.toString()).getAsJsonObject());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (ws != null) ws.abort();
    }
}
