package io.gorgon.roles.notify;

import com.codahale.metrics.Counter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.BusMetrics;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.JsonText;
import io.gorgon.bus.Message;
import io.gorgon.bus.Subscription;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notify role: pushes item events ({@code item.added}, {@code item.edited}, {@code item.deleted} from the store_notify topic) to
 * WebSocket clients on {@code notify.port}, path {@code /ws}, and lets a reconnecting client resume where it left.
 *
 * <p>Each store_notify message reaches only one notify instance (the role's consumer group), so events are fanned
 * out through Redis: the consuming instance appends the event, in one script, to a shared fan-out stream and to
 * the user's own stream under the same id ({@link EventLog}); every instance tails the fan-out stream
 * ({@link FanoutReader}) and delivers to its own sockets ({@link Hub}). The message is acknowledged only once the
 * append succeeded. Why one shared stream rather than each instance XREADing the per-user streams of its clients:
 * a blocking read over thousands of per-user keys costs O(keys) per call, must be woken on every subscribe, and
 * cannot span Redis Cluster slots; one stream is one cursor per instance, subscriptions stay local map updates,
 * and the ids form one global order, so a single {@code lastEventId} resumes every user of a socket. The price is
 * that every instance reads every event — a few hundred bytes each, and notify instances are few; should that
 * become the limit, the fan-out stream can be split by user hash into a handful of streams. The per-user streams
 * make a resume cost only the missed events of the users asked for. Only users some socket follows (or followed
 * within the retention window) are watched, and only their events are recorded at all ({@link EventLog}).
 *
 * <p>The store_notify handler runs one message at a time so an instance appends events in the order it receives
 * them (an item's delete after its add); across instances, and after a retry, order is the append order.
 */
public final class NotifyRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(NotifyRole.class);
    /** Config {@code notify.port} when absent. */
    public static final int DEFAULT_PORT = 8082;
    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,18}");

    private final RoleContext ctx;
    private final EventLog events;
    private final Hub hub = new Hub();
    private final FanoutReader reader;
    private final NotifyServer server;
    private final BusMetrics.Latency latency;
    private final Counter delivered;
    private final java.util.concurrent.atomic.LongAdder appended = new java.util.concurrent.atomic.LongAdder();
    private Subscription subscription;
    private Subscription revocations;
    private final Duration watchRefresh;
    private volatile Thread watchRenewal;

    public NotifyRole(RoleContext ctx) {
        this.ctx = ctx;
        Duration retention = Duration.ofSeconds(ctx.config().notifier().retentionSeconds());
        this.events = new EventLog(ctx.redis(), ctx.keys(), retention);
        this.watchRefresh = EventLog.watchRefresh(retention);
        this.reader = new FanoutReader(events, hub::dispatch,
                () -> hub.closeAll(1013, Session.reason("events_lost", "reconnect with lastEventId")), hub::followsNobody);
        this.latency = ctx.bus().metrics().latency("notify");
        this.delivered = ctx.bus().metrics().registry().counter("notify.delivered");
        TokenCheck tokens = new TokenCheck(ctx.bus(), ctx.requestTimeout());
        Clock clock = Clock.systemUTC();
        this.server = new NotifyServer(ctx.config().host().bindAddress(), ctx.config().notifier().port(), ctx.config().http(), ctx.config().notifier(), tokens, hub,
                new ClientProtocol(events, hub, clock, ctx.config().notifier()), this::delivered, clock);
    }

    @Override
    public synchronized void start() {
        reader.start();
        watchRenewal = Thread.ofPlatform().daemon().name("notify-watch").start(this::renewWatches);
        server.start();
        // In stream order (clients see a user's events in the order they happened), but with batched reads and
        // pipelined acks: one append round trip per event, not read + append + ack in series.
        subscription = ctx.bus().subscribe(Protocol.STORE_NOTIFY, ctx.consumerOptions().inOrder(256), this::onEvent);
        // Every instance must see every logout, so each reads the topic in a group of its own (removed on stop).
        revocations = ctx.bus().subscribe(Protocol.AUTH_REVOKED, ctx.consumerOptions().withGroup(revocationGroup()), this::onRevoked);
    }

    private String revocationGroup() {
        return "notify." + ctx.instance();
    }

    /**
     * Renews the watch of the users this instance's sockets follow, every {@link EventLog#watchRefresh}; after a
     * failure, every second until Redis takes it (the watch outlives two missed renewals).
     */
    private void renewWatches() {
        long tickMs = Math.min(1000, watchRefresh.toMillis());
        long due = System.nanoTime() + watchRefresh.toNanos();
        boolean failing = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(tickMs);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - due < 0) continue;
            try {
                Set<Long> users = hub.followed();
                if (!users.isEmpty()) events.watch(users);
                due = System.nanoTime() + watchRefresh.toNanos();
                if (failing) log.info("event=notify_watch_renewed users={}", users.size());
                failing = false;
            } catch (RuntimeException e) {
                if (!failing) log.warn("event=notify_watch_renewal_failed cause=\"{}\"", FanoutReader.oneLine(e.getMessage()));
                failing = true;
            }
        }
    }

    /** A logout: the token's sockets on this instance are closed now, not when the token would have expired. */
    void onRevoked(Message m) {
        JsonElement body = m.body();
        JsonElement token = body != null && body.isJsonObject() ? body.getAsJsonObject().get("token") : null;
        if (token == null || !token.isJsonPrimitive()) throw malformed(m, "token.revoked needs {\"token\": digest}");
        int closed = server.closeRevoked(token.getAsString());
        if (closed > 0) log.info("event=notify_sockets_revoked sockets={}", closed);
    }

    @Override
    public Map<String, Integer> ports() {
        return Map.of("http", port());
    }

    /** The bound port (useful with {@code notify.port=0}). */
    public int port() {
        return server.port();
    }

    @Override
    public void stop() {
        Subscription s;
        synchronized (this) {
            s = subscription;
            subscription = null;
        }
        server.stop(Duration.ofSeconds(2));
        reader.stop();
        if (watchRenewal != null) watchRenewal.interrupt();
        if (s != null) s.drain(Duration.ofSeconds(5));
        if (revocations != null) {
            revocations.drain(Duration.ofSeconds(1));
            try {
                ctx.redis().xgroupDestroy(ctx.keys().stream(Protocol.AUTH_REVOKED), revocationGroup());
            } catch (RuntimeException e) {
                log.debug("event=notify_revocation_group_kept cause=\"{}\"", e.toString()); // a SIGKILLed instance leaves one too
            }
        }
    }

    /** Appends one store event (or a batch's) to the Redis streams; throws (so the bus retries) when Redis did not take it. */
    void onEvent(Message m) {
        String type = m.type();
        List<EventLog.Appended> out = Protocol.ITEMS_ADDED.equals(type) ? itemsAddedAsText(m) : null;
        if (out != null) {
            events.appendAll(m.id(), out);
            appended.add(out.size());
            return;
        }
        JsonElement body = m.body();
        if (Protocol.ITEM_ADDED.equals(type) || Protocol.ITEM_EDITED.equals(type)) {
            JsonElement i = body != null && body.isJsonObject() ? body.getAsJsonObject().get("item") : null;
            if (i == null || !i.isJsonObject()) throw malformed(m, type + " needs {\"item\":{…}}");
            out = List.of(appended(m, type, i.getAsJsonObject()));
        } else if (Protocol.ITEMS_ADDED.equals(type)) {
            JsonElement a = body != null && body.isJsonObject() ? body.getAsJsonObject().get("items") : null;
            if (a == null || !a.isJsonArray() || a.getAsJsonArray().isEmpty()) throw malformed(m, "items.added needs {\"items\":[{…}, …]}");
            out = new ArrayList<>(a.getAsJsonArray().size());
            for (JsonElement i : a.getAsJsonArray()) {
                if (!i.isJsonObject()) throw malformed(m, "items.added needs {\"items\":[{…}, …]}");
                out.add(appended(m, Protocol.ITEM_ADDED, i.getAsJsonObject())); // clients see one item.added per item
            }
        } else if (Protocol.ITEM_DELETED.equals(type)) {
            if (body == null || !body.isJsonObject()) throw malformed(m, "item.deleted needs {\"id\",\"userid\",\"ts\"}");
            out = List.of(appended(m, type, body.getAsJsonObject()));
        } else {
            return; // other event types are not for clients
        }
        events.appendAll(m.id(), out);
        appended.add(out.size());
    }

    /**
     * An items.added's events with each item's JSON text cut from the body as it arrived (the store writes it in the
     * form a tree would print), never parsed into a tree and printed again; null for anything that is not plainly
     * well formed, which the tree path then reads or refuses.
     */
    private static List<EventLog.Appended> itemsAddedAsText(Message m) {
        String items = JsonText.field(m.bodyJson(), "items");
        List<String> texts = items == null ? null : JsonText.elements(items);
        if (texts == null || texts.isEmpty()) return null;
        List<EventLog.Appended> out = new ArrayList<>(texts.size());
        for (String item : texts) {
            String u = item.startsWith("{") ? JsonText.field(item, "userid") : null;
            if (u == null || u.charAt(0) != '"' || !ID.matcher(u).region(1, u.length() - 1).matches()) return null;
            out.add(new EventLog.Appended(Long.parseLong(u, 1, u.length() - 1, 10), Protocol.ITEM_ADDED, m.sentAt(), item));
        }
        return out;
    }

    private static EventLog.Appended appended(Message m, String type, JsonObject item) {
        JsonElement u = item.get("userid");
        if (u == null || !u.isJsonPrimitive() || !ID.matcher(u.getAsString()).matches()) {
            throw malformed(m, "userid must be a decimal string");
        }
        return new EventLog.Appended(Long.parseLong(u.getAsString()), type, m.sentAt(), item.toString());
    }

    /** Item events this instance handled (an items.added counts each item); those of watched users were recorded. */
    long appended() {
        return appended.sum();
    }

    /** Event frames this instance sent to its clients. */
    long delivered() {
        return delivered.getCount();
    }

    private static HandlerFailure malformed(Message m, String why) {
        log.warn("event=notify_malformed_event type={} message={} reason=\"{}\"", m.type(), m.id(), why);
        return new HandlerFailure(400, why);
    }

    private void delivered(NotifyEvent e, boolean live) {
        delivered.inc();
        // Publish-to-push time; replayed events would only measure how long the client was away.
        if (live) latency.record(Math.max(0, System.currentTimeMillis() - e.ts()) * 1000);
    }
}
