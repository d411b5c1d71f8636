package io.gorgon.roles.stats;

import com.google.gson.JsonElement;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.bus.Bus;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.ops.MeshOps;
import io.gorgon.roles.ops.OperatorTokens;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.util.Map;

/**
 * The stats role: aggregates every instance's per-second metrics snapshot and the store's item events into Redis
 * (so any stats instance shows the same numbers) and serves the live dashboard, /api/stats and /metrics.
 */
public final class StatsRole implements Role {
    private final RoleContext ctx;
    private final StatsAggregator aggregator;
    private final StatsServer server;

    public StatsRole(RoleContext ctx) {
        this.ctx = ctx;
        Clock clock = Clock.systemUTC();
        String ns = ctx.config().namespace();
        aggregator = new StatsAggregator(ctx.redis(), ns, clock);
        server = new StatsServer(ctx.config().stats().host(), ctx.config().stats().port(), new StatsReader(ctx.redis(), ns, clock),
                new BusMeshView(ctx.bus().admin()), clock).limits(ctx.config().http(), ctx.config().stats().maxSseClients())
                .withOps(new OpsApi(new MeshOps(ctx.config(), ctx.bus().admin(), true), new OperatorTokens(ctx.config())));
    }

    @Override
    public void start() {
        aggregator.start();
        server.start();
        ctx.bus().subscribe(Bus.METRICS_TOPIC, ctx.consumerOptions(), this::onSnapshot);
        ctx.bus().subscribe(Protocol.STORE_NOTIFY, ctx.consumerOptions(), this::onItemEvent);
    }

    @Override
    public Map<String, Integer> ports() {
        return Map.of("http", server.port());
    }

    private void onSnapshot(Message m) {
        MetricsSnapshot s;
        try {
            s = MetricsSnapshot.fromJson(m.body().toString());
        } catch (IllegalArgumentException e) {
            // A snapshot we can't read is dropped with a reason (dead letter), never retried forever.
            throw new HandlerFailure(400, "unreadable metrics snapshot: " + e.getMessage());
        }
        aggregator.onSnapshot(s); // throws only if Redis failed: then the message is retried
    }

    private void onItemEvent(Message m) {
        if (Protocol.ITEMS_ADDED.equals(m.type())) {
            aggregator.onItemEvents("add", m.sentAt(), addedCount(m));
            return;
        }
        String kind = switch (m.type()) {
            case Protocol.ITEM_ADDED -> "add";
            case Protocol.ITEM_EDITED -> "edit";
            case Protocol.ITEM_DELETED -> "delete";
            default -> m.type();
        };
        aggregator.onItemEvent(kind, m.sentAt());
    }

    /**
     * How many items an items.added carries, from its leading {@code n} without reading the items (none if it is
     * malformed: notify dead-letters it, nothing was added).
     */
    static int addedCount(Message m) {
        try (JsonReader r = new JsonReader(new StringReader(m.bodyJson()))) {
            r.beginObject();
            if (r.hasNext() && r.nextName().equals("n") && r.peek() == JsonToken.NUMBER) return Math.max(0, r.nextInt());
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            return 0;
        }
        JsonElement b = m.body(); // a producer that did not put n first: count the array
        JsonElement items = b != null && b.isJsonObject() ? b.getAsJsonObject().get("items") : null;
        return items != null && items.isJsonArray() ? items.getAsJsonArray().size() : 0;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        aggregator.close();
    }
}
