package io.gorgon.roles.web;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.http.HttpLimits;
import io.gorgon.protocol.InputException;
import io.gorgon.protocol.UserInput;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's HTTP face: turns each request into a bus request to auth_get (which checks the caller and passes it on)
 * and the reply into JSON. Handlers run on virtual threads; bodies are bounded; every error is JSON {error, message}
 * with the right status — 503 when no instance of a needed role is alive, 504 when the mesh did not answer in time.
 */
public final class WebRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(WebRole.class);

    private final RoleContext ctx;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final long startedAt = System.currentTimeMillis();
    private final Undertow server;
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    /** Request names ({@link Protocol#H_REQUEST}): unique per process start, then a counter. */
    private final String requestPrefix = Long.toString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE, 36) + ".";
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    public WebRole(RoleContext ctx) {
        this.ctx = ctx;
        server = HttpLimits.builder(ctx.config().http(), false)
                .addHttpListener(ctx.config().web().port(), ctx.config().host().bindAddress())
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, true)
                // Requests with a body are read blocking on a virtual thread. The others never block: they are routed on
                // the I/O thread, and the answer is written there when the bus reply arrives. That saves two thread
                // hand-offs per request (to a virtual thread, and back to the I/O thread to resume reading): the web
                // role's CPU per GET /info went from ~430 to ~280 µs on a 2-core machine (scripts/bench mesh).
                .setHandler(exchange -> {
                    if (hasBody(exchange)) exchange.dispatch(handlers, () -> serve(exchange));
                    else exchange.dispatch(SameThreadExecutor.INSTANCE, () -> serveAsync(exchange));
                })
                .build();
    }

    @Override
    public void start() {
        server.start();
    }

    /** The bound port (config {@code web.port}; 0 picks a free one). */
    @Override
    public Map<String, Integer> ports() {
        return Map.of("http", ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort());
    }

    private static boolean hasBody(HttpServerExchange ex) {
        HttpString m = ex.getRequestMethod();
        return !(m.equals(Methods.GET) || m.equals(Methods.HEAD) || m.equals(Methods.DELETE) || m.equals(Methods.OPTIONS));
    }

    /** On a virtual thread: may block reading the body and waiting for the mesh. */
    private void serve(HttpServerExchange ex) {
        long t0 = System.nanoTime();
        active.incrementAndGet();
        try {
            if (stopping) throw new HttpError(503, "this instance is shutting down");
            send(ex, Bus.join(route(ex)));
        } catch (RuntimeException e) {
            fail(ex, e);
        } finally {
            done(t0);
        }
    }

    /** On the I/O thread, never blocking: the bus reply completes the exchange on that same I/O thread. */
    private void serveAsync(HttpServerExchange ex) {
        long t0 = System.nanoTime();
        active.incrementAndGet();
        CompletableFuture<Reply> reply;
        try {
            if (stopping) throw new HttpError(503, "this instance is shutting down");
            reply = route(ex);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((r, err) -> {
            Runnable finish = () -> {
                try {
                    if (err == null) send(ex, r);
                    else fail(ex, err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err);
                } catch (RuntimeException e) {
                    fail(ex, e);
                } finally {
                    done(t0);
                }
            };
            if (Thread.currentThread() == ex.getIoThread()) finish.run();
            else ex.getIoThread().execute(finish);
        });
    }

    private void done(long t0) {
        active.decrementAndGet();
        ctx.bus().metrics().latency("http").record((System.nanoTime() - t0) / 1000);
    }

    /** Every failure as JSON {error, message} with its status. */
    private void fail(HttpServerExchange ex, Throwable t) {
        if (t instanceof HttpError e) {
            if (e instanceof MethodNotAllowed m) ex.getResponseHeaders().put(Headers.ALLOW, m.allow);
            sendError(ex, e.status, e.getMessage());
        } else if (t instanceof BusException e) {
            sendError(ex, e.code(), switch (e.failure()) {
                case NO_CONSUMER -> "a role this request needs is not running: " + e.getMessage();
                case TIMEOUT -> "the mesh did not answer in time";
                case UNAVAILABLE -> "the message bus is unavailable";
                case HANDLER_FAILED -> e.getMessage();
            });
        } else {
            log.error("event=web_internal_error path={} cause=\"{}\"", ex.getRequestPath(), String.valueOf(t).replaceAll("\\s+", " "), t);
            sendError(ex, 500, "internal error");
        }
    }

    /** @param etag the ETag header, for answers that are one item (its version); null otherwise */
    /** A response: status, body as JSON text (a mesh reply is passed on as the bytes that arrived), ETag or null. */
    private record Reply(int status, String body, String etag) {
        Reply(int status, String body) {
            this(status, body, null);
        }

        static Reply item(int status, String json) {
            // One item is small: reading its version costs little, unlike the pages GET /info passes on untouched.
            JsonElement item = json == null ? null : com.google.gson.JsonParser.parseString(json);
            JsonElement v = item != null && item.isJsonObject() ? item.getAsJsonObject().get("version") : null;
            return new Reply(status, json, v == null ? null : "\"" + v.getAsLong() + "\"");
        }
    }

    private static CompletableFuture<Reply> now(int status, JsonElement body) {
        return CompletableFuture.completedFuture(new Reply(status, body == null ? null : body.toString()));
    }

    /** The answer to one request; bad requests throw HttpError at once, without a bus call. */
    private CompletableFuture<Reply> route(HttpServerExchange ex) {
        String method = ex.getRequestMethod().toString();
        String[] p = ex.getRequestPath().split("/", -1); // "/items/7" → ["", "items", "7"]
        if (p.length == 2 && p[1].equals("health")) {
            allow(method, "GET");
            JsonObject h = new JsonObject();
            h.addProperty("status", "ok");
            h.addProperty("role", ctx.role());
            h.addProperty("instance", ctx.instance());
            h.addProperty("uptime", (System.currentTimeMillis() - startedAt) / 1000);
            return now(200, h);
        }
        if (p.length == 3 && p[1].equals("auth")) {
            switch (p[2]) {
                case "register" -> {
                    allow(method, "POST");
                    return call(ex, Protocol.AUTH_REGISTER, jsonBody(ex), false).thenApply(b -> new Reply(201, b));
                }
                case "login" -> {
                    allow(method, "POST");
                    return call(ex, Protocol.AUTH_LOGIN, jsonBody(ex), false).thenApply(b -> new Reply(200, b));
                }
                case "logout" -> {
                    allow(method, "POST");
                    return call(ex, Protocol.AUTH_LOGOUT, new JsonObject(), true).thenApply(b -> new Reply(204, null));
                }
                case "password" -> {
                    allow(method, "POST");
                    requireToken(ex);
                    return call(ex, Protocol.AUTH_PASSWORD, jsonBody(ex), true).thenApply(b -> new Reply(204, null));
                }
                case "logout-all" -> {
                    allow(method, "POST");
                    return call(ex, Protocol.AUTH_LOGOUT_ALL, new JsonObject(), true).thenApply(b -> new Reply(204, null));
                }
                case "sessions" -> {
                    allow(method, "GET");
                    return call(ex, Protocol.AUTH_SESSIONS, new JsonObject(), true).thenApply(b -> new Reply(200, b));
                }
                default -> throw new HttpError(404, "no such endpoint: " + ex.getRequestPath());
            }
        }
        if (p.length == 2 && p[1].equals("items")) {
            allow(method, "POST");
            requireToken(ex); // 401 before anything about the body (415, 413, 400)
            JsonObject body = new JsonObject();
            body.add("item", jsonBody(ex));
            return call(ex, Protocol.APP_ITEM_CREATE, body, true).thenApply(b -> Reply.item(201, b));
        }
        if (p.length == 3 && p[1].equals("items") && !p[2].isEmpty()) {
            allow(method, "GET", "PATCH", "DELETE");
            JsonObject body = new JsonObject();
            body.addProperty("id", p[2]);
            if (method.equals("GET")) return call(ex, Protocol.APP_ITEM_GET, body, true).thenApply(b -> Reply.item(200, b));
            if (method.equals("PATCH")) {
                requireToken(ex); // 401 before anything about the body
                body.add("patch", jsonBody(ex));
                String ifMatch = ex.getRequestHeaders().getFirst(Headers.IF_MATCH);
                if (ifMatch != null) body.addProperty("ifMatch", ifMatch);
                return call(ex, Protocol.APP_ITEM_EDIT, body, true).thenApply(b -> Reply.item(200, b));
            }
            return call(ex, Protocol.APP_ITEM_DELETE, body, true).thenApply(b -> new Reply(204, null));
        }
        if (p.length == 2 && (p[1].equals("feeds") || p[1].equals("webhooks"))) {
            allow(method, "GET", "POST");
            boolean feeds = p[1].equals("feeds");
            if (method.equals("GET")) {
                return call(ex, feeds ? Protocol.APP_FEED_LIST : Protocol.APP_WEBHOOK_LIST, new JsonObject(), true).thenApply(b -> new Reply(200, b));
            }
            requireToken(ex); // 401 before anything about the body
            return call(ex, feeds ? Protocol.APP_FEED_FOLLOW : Protocol.APP_WEBHOOK_CREATE, jsonBody(ex), true).thenApply(b -> new Reply(201, b));
        }
        if (p.length == 3 && (p[1].equals("feeds") || p[1].equals("webhooks")) && !p[2].isEmpty()) {
            allow(method, "DELETE");
            JsonObject body = new JsonObject();
            body.addProperty("id", p[2]);
            return call(ex, p[1].equals("feeds") ? Protocol.APP_FEED_UNFOLLOW : Protocol.APP_WEBHOOK_DELETE, body, true)
                    .thenApply(b -> new Reply(204, null));
        }
        if (p.length == 3 && p[1].equals("info") && !p[2].isEmpty()) {
            allow(method, "GET");
            JsonObject body = new JsonObject();
            body.addProperty("uid", p[2]);
            query(ex, "lim").ifPresent(v -> body.addProperty("lim", v));
            query(ex, "off").ifPresent(v -> body.addProperty("off", v));
            return call(ex, Protocol.APP_INFO, body, true).thenApply(b -> new Reply(200, b));
        }
        if (p.length == 3 && p[1].equals("tags") && !p[2].isEmpty()) {
            allow(method, "GET");
            JsonObject body = new JsonObject();
            body.addProperty("keyword", p[2]);
            query(ex, "lim").ifPresent(v -> body.addProperty("lim", v));
            query(ex, "off").ifPresent(v -> body.addProperty("off", v));
            return call(ex, Protocol.APP_TAGS, body, true).thenApply(b -> new Reply(200, b));
        }
        throw new HttpError(404, "no such endpoint: " + ex.getRequestPath());
    }

    /** One bus request into the mesh; the answer comes back to this instance's own reply address. */
    private CompletableFuture<String> call(HttpServerExchange ex, String type, JsonElement body, boolean needsToken) {
        Map<String, String> headers = new HashMap<>();
        String token = bearer(ex);
        if (needsToken && token == null) throw new HttpError(401, "missing Authorization: Bearer <token>");
        if (token != null) headers.put(Protocol.H_TOKEN, token);
        headers.put(Protocol.H_REQUEST, requestPrefix + Long.toString(requests.incrementAndGet(), 36));
        headers.put(Protocol.H_CLIENT, ex.getSourceAddress().getAddress().getHostAddress());
        Duration timeout = ctx.requestTimeout();
        return ctx.bus().requestJson(Protocol.AUTH_GET, type, body, new DeliveryOptions(headers, timeout));
    }

    private static void requireToken(HttpServerExchange ex) {
        if (bearer(ex) == null) throw new HttpError(401, "missing Authorization: Bearer <token>");
    }

    private static String bearer(HttpServerExchange ex) {
        String h = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (h == null) return null;
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() <= 7) throw new HttpError(401, "Authorization must be 'Bearer <token>'");
        return h.substring(7).strip();
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) if (a.equals(method)) return;
        throw new MethodNotAllowed(String.join(", ", allowed), method);
    }

    private static java.util.Optional<String> query(HttpServerExchange ex, String name) {
        Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(v.getFirst());
    }

    /** The request body as a JSON object: 415 unless JSON, 413 beyond the limit, 400 if malformed or operator keys. */
    private JsonObject jsonBody(HttpServerExchange ex) {
        String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        String lower = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("application/json") && !lower.startsWith("application/merge-patch+json")) {
            throw new HttpError(415, "Content-Type must be application/json");
        }
        int max = ctx.config().web().maxBodyBytes();
        long declared = ex.getRequestContentLength();
        if (declared > max) throw new HttpError(413, "body larger than " + max + " bytes");
        ex.startBlocking();
        byte[] buf;
        try (InputStream in = ex.getInputStream()) {
            buf = HttpLimits.readBody(in, max, ctx.config().http().bodyTimeoutMs());
        } catch (HttpLimits.SlowBody e) {
            ex.setPersistent(false);
            throw new HttpError(408, e.getMessage());
        } catch (IOException e) {
            throw new HttpError(400, "could not read the request body");
        }
        if (buf.length > max) throw new HttpError(413, "body larger than " + max + " bytes");
        try {
            return UserInput.object(new String(buf, StandardCharsets.UTF_8));
        } catch (InputException e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    private static void send(HttpServerExchange ex, Reply r) {
        if (r.etag != null) ex.getResponseHeaders().put(Headers.ETAG, r.etag);
        send(ex, r.status, r.body);
    }

    private static void send(HttpServerExchange ex, int status, String body) {
        ex.setStatusCode(status);
        if (body == null || status == 204) {
            ex.endExchange();
            return;
        }
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    private static void sendError(HttpServerExchange ex, int status, String message) {
        if (ex.isResponseStarted()) {
            ex.endExchange();
            return;
        }
        JsonObject e = new JsonObject();
        e.addProperty("error", HttpError.name(status));
        e.addProperty("message", message);
        send(ex, status, e.toString());
    }

    /** 405 with the Allow header. */
    private static final class MethodNotAllowed extends HttpError {
        MethodNotAllowed(String allow, String method) {
            super(405, method + " not allowed; use " + allow);
            this.allow = allow;
        }

        final String allow;
    }

    @Override
    public void stop() {
        // New requests get 503 while the listener closes; requests in flight finish (their bus replies still arrive).
        stopping = true;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (active.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop();
        handlers.shutdown();
    }
}
