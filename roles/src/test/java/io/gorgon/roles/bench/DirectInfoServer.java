package io.gorgon.roles.bench;

import com.google.gson.JsonObject;
import io.gorgon.roles.auth.Principal;
import io.gorgon.roles.auth.TokenService;
import io.gorgon.roles.store.StoreService;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The bench's baseline: {@code GET /info/{uid}} served in one process straight from {@link StoreService}, with one
 * {@link TokenService#validate} per request as auth does, on Undertow set up exactly like the web role (I/O threads
 * = cores, each request dispatched to a virtual thread). What the mesh costs on top of this is the bus: three hops
 * (web → auth → app → store) and the reply. Login is a stub that issues a token for the one load user.
 */
final class DirectInfoServer implements AutoCloseable {
    private final StoreService store;
    private final TokenService tokens;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Undertow server;

    DirectInfoServer(StoreService store, TokenService tokens, int port) {
        this.store = store;
        this.tokens = tokens;
        this.server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, true)
                .setHandler(exchange -> exchange.dispatch(handlers, () -> serve(exchange)))
                .build();
    }

    DirectInfoServer start() {
        server.start();
        return this;
    }

    private void serve(HttpServerExchange ex) {
        String path = ex.getRequestPath();
        try {
            if (path.equals("/auth/register")) {
                send(ex, 201, "{}");
            } else if (path.equals("/auth/login")) {
                JsonObject out = new JsonObject();
                out.addProperty("token", tokens.issue(1).token());
                send(ex, 200, out.toString());
            } else if (path.startsWith("/info/")) {
                String h = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
                Optional<Principal> p = h == null || h.length() <= 7 ? Optional.empty() : tokens.validate(h.substring(7).strip());
                if (p.isEmpty()) {
                    send(ex, 401, "{\"error\":\"unauthorized\",\"message\":\"invalid or expired token\"}");
                    return;
                }
                long uid = Long.parseLong(path.substring("/info/".length()));
                JsonObject out = new JsonObject();
                out.add("items", store.info(uid, param(ex, "lim", 20), param(ex, "off", 0)));
                send(ex, 200, out.toString());
            } else {
                send(ex, 404, "{\"error\":\"not_found\",\"message\":\"no such endpoint\"}");
            }
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\":\"internal\",\"message\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private static int param(HttpServerExchange ex, String name, int dflt) {
        Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? dflt : Integer.parseInt(v.getFirst());
    }

    private static void send(HttpServerExchange ex, int status, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
        handlers.shutdownNow();
    }
}
