package io.gorgon.roles.notify;

import com.google.gson.JsonObject;
import io.gorgon.bus.BusException;
import io.gorgon.roles.notify.TokenCheck.Principal;
import io.undertow.Handlers;
import io.gorgon.protocol.TokenDigest;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.http.HttpLimits;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /ws}. The token is checked before the upgrade — {@code Authorization: Bearer …}
 * or {@code ?token=…} (browsers cannot set headers on a WebSocket) — and a bad one gets HTTP 401 JSON
 * {error, message}; a socket whose token expires is closed with 1008. Frames are handled off the IO thread, one
 * at a time per socket. {@link #stop} sends every client 1001 (going away) before closing the listener.
 */
final class NotifyServer {
    private static final Logger log = LoggerFactory.getLogger(NotifyServer.class);
    static final String PATH = "/ws";
    /** Largest client frame: a subscribe to the maximum number of users fits with room to spare. */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final AttachmentKey<Principal> PRINCIPAL = AttachmentKey.create(Principal.class);
    private static final AttachmentKey<String> TOKEN = AttachmentKey.create(String.class);
    /** Open sockets by the digest of the token they were opened with, so a logout can close them. */
    private final Map<String, Set<Session>> byToken = new ConcurrentHashMap<>();

    private final String host;
    private final GorgonConfig.Http http;
    private final GorgonConfig.Notify limits;
    private final SendBudget budget;
    private final int requestedPort;
    private final TokenCheck tokens;
    private final Hub hub;
    private final ClientProtocol protocol;
    private final BiConsumer<NotifyEvent, Boolean> delivered;
    private final Clock clock;
    private final ExecutorService frames = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledThreadPoolExecutor expiries = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "notify-expiry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;
    private Undertow undertow;
    private int port;

    NotifyServer(String host, int port, GorgonConfig.Http http, GorgonConfig.Notify limits, TokenCheck tokens, Hub hub, ClientProtocol protocol,
                 BiConsumer<NotifyEvent, Boolean> delivered, Clock clock) {
        this.host = host;
        this.http = http;
        this.limits = limits;
        this.budget = new SendBudget(limits.maxQueuedBytesPerSocket(), limits.maxQueuedBytes());
        this.requestedPort = port;
        this.tokens = tokens;
        this.hub = hub;
        this.protocol = protocol;
        this.delivered = delivered;
        this.clock = clock;
        expiries.setRemoveOnCancelPolicy(true);
    }

    synchronized void start() {
        if (undertow != null) return;
        WebSocketProtocolHandshakeHandler ws = Handlers.websocket(this::onConnect,
                ex -> json(ex, 400, "upgrade_required", "this endpoint speaks WebSocket only"));
        HttpHandler root = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) throws Exception {
                if (!PATH.equals(ex.getRequestPath())) {
                    json(ex, 404, "not_found", "the notify endpoint is " + PATH);
                    return;
                }
                if (hub.size() >= limits.maxSockets()) {
                    json(ex, 503, "unavailable", "this instance has " + limits.maxSockets() + " sockets open; retry later or elsewhere");
                    return;
                }
                if (ex.isInIoThread()) {
                    ex.dispatch(this); // the token check asks auth over the bus
                    return;
                }
                Optional<Principal> p;
                try {
                    p = tokens.validate(token(ex));
                } catch (BusException e) {
                    json(ex, 503, "unavailable", "cannot check the token now; retry");
                    return;
                }
                if (p.isEmpty()) {
                    ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
                    json(ex, 401, "unauthorized", "a valid token is required: Authorization: Bearer <token> or ?token=<token>");
                    return;
                }
                ex.putAttachment(PRINCIPAL, p.get());
                ex.putAttachment(TOKEN, TokenDigest.of(token(ex)));
                ws.handleRequest(ex);
            }
        };
        undertow = HttpLimits.builder(http, true).addHttpListener(requestedPort, host).setHandler(root).build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        log.debug("event=notify_listening port={} path={}", port, PATH);
    }

    int port() {
        return port;
    }

    private static String token(HttpServerExchange ex) {
        String h = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) return h.substring(7).trim();
        Deque<String> q = ex.getQueryParameters().get("token");
        return q == null ? null : q.peekFirst();
    }

    private void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        Principal p = exchange.getAttachment(PRINCIPAL);
        Session s = new Session(channel, p == null ? 0 : p.userid(), delivered, budget);
        if (p == null || stopping) {
            s.close(stopping ? 1001 : 1008, Session.reason(stopping ? "going_away" : "unauthorized", "reconnect later"));
            return;
        }
        hub.open(s);
        String token = exchange.getAttachment(TOKEN);
        if (token != null) byToken.computeIfAbsent(token, k -> ConcurrentHashMap.newKeySet()).add(s);
        long ttl = p.expiresAt() - clock.millis();
        ScheduledFuture<?> expiry = expiries.schedule(
                () -> s.close(1008, Session.reason("token_expired", "log in again and reconnect")), Math.max(0, ttl), TimeUnit.MILLISECONDS);
        channel.addCloseTask(ch -> {
            expiry.cancel(false);
            if (token != null) byToken.computeIfPresent(token, (k, set) -> set.remove(s) && set.isEmpty() ? null : set);
            hub.closed(s);
            s.closed();
            log.debug("event=notify_socket_closed user={}", s.principal());
        });
        channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                String text = message.getData();
                s.enqueue(() -> protocol.handle(s, text), frames);
            }

            @Override
            protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                message.getData().free();
                s.send(Session.error("frames must be JSON text"));
            }

            @Override
            protected long getMaxTextBufferSize() {
                return MAX_FRAME_BYTES;
            }

            @Override
            protected long getMaxBinaryBufferSize() {
                return MAX_FRAME_BYTES;
            }
        });
        channel.resumeReceives();
        log.debug("event=notify_socket_open user={} sockets={}", s.principal(), hub.size());
        if (stopping) s.close(1001, Session.reason("going_away", "server shutting down; reconnect"));
    }

    /** Closes every socket opened with this token (1008 token_revoked); how many there were. */
    int closeRevoked(String tokenDigest) {
        Set<Session> set = byToken.remove(tokenDigest);
        if (set == null) return 0;
        for (Session s : set) s.close(1008, Session.reason("token_revoked", "logged out; log in again and reconnect"));
        return set.size();
    }

    /** Tells every client 1001 going away, waits up to {@code grace} for the sockets to close, then stops listening. */
    void stop(Duration grace) {
        Undertow u;
        synchronized (this) {
            stopping = true;
            u = undertow;
            undertow = null;
        }
        if (u == null) return;
        hub.closeAll(1001, Session.reason("going_away", "server shutting down; reconnect with lastEventId"));
        long until = System.nanoTime() + grace.toNanos();
        while (hub.size() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        u.stop();
        expiries.shutdownNow();
        frames.shutdown();
        log.info("event=notify_stopped port={}", port);
    }

    private static void json(HttpServerExchange ex, int status, String error, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", error);
        o.addProperty("message", message);
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(o.toString());
    }
}
