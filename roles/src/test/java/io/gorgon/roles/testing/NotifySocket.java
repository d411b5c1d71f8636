package io.gorgon.roles.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket to a notify instance whose JSON frames land in {@link #frames}. */
public final class NotifySocket implements AutoCloseable {
    public final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    public NotifySocket(int port, String token) throws Exception {
        StringBuilder partial = new StringBuilder();
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(JsonParser.parseString(partial.toString()).getAsJsonObject());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    public void send(String text) throws Exception {
        ws.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** The next frame, or null after {@code seconds}. */
    public JsonObject next(int seconds) throws InterruptedException {
        return frames.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
