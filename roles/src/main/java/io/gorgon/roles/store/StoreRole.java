package io.gorgon.roles.store;

import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.UserJson;
import io.gorgon.protocol.User;
import io.gorgon.protocol.InputException;
import io.gorgon.protocol.Item;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.JsonText;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.protocol.UserInput;
import io.gorgon.roles.json.Valid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only role that touches MongoDB. Reads come on store_get, writes on store_put; every item add, edit and delete is
 * published on store_notify. Writes are idempotent by id, so a redelivered store_put never stores twice.
 */
public final class StoreRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(StoreRole.class);

    /**
     * store_put messages handled at once: 64 single-item puts make a useful bulk write, and 64 of the producers'
     * 10-50 item batches are well under a second of the embedded store's work. (512 of them held 51,000 items: the
     * store's RSS grew to 290 MB and its CPU per insert by half, from GC.)
     */
    private static final int STORE_PUT_IN_FLIGHT = 64;

    private final RoleContext ctx;
    private final MongoClient mongo;
    private final StoreService store;
    private final ItemBatcher batcher;

    public StoreRole(RoleContext ctx) {
        this.ctx = ctx;
        mongo = MongoClients.create(ctx.config().mongo().uri());
        store = new StoreService(mongo.getDatabase(ctx.config().mongo().database()), ctx.redis(),
                new StoreService.Options(ctx.config().namespace(), ctx.config().store().recentCacheSize(), Duration.ZERO));
        batcher = new ItemBatcher(store, 2);
    }

    @Override
    public void start() {
        // Reads and writes have their own consumers (threads, handler slots); store.queues puts them on separate
        // instances too, so that inserts cannot take the CPU reads run on.
        String queues = ctx.config().store().queues();
        if (!queues.equals("reads")) {
            // Writes wait in the batcher for a group commit: allow enough of them in flight to fill its bulk writes.
            // Not more: a message may carry up to 500 items (store.items.put), and what is read waits in this heap.
            ctx.bus().consume(Protocol.STORE_PUT, ctx.consumerOptions().withConcurrency(Math.max(ctx.config().bus().concurrency(), STORE_PUT_IN_FLIGHT))
                    .withBatchSize(STORE_PUT_IN_FLIGHT), this::onPut);
        }
        if (!queues.equals("writes")) ctx.bus().consume(Protocol.STORE_GET, ctx.consumerOptions(), this::onGet);
        log.info("event=store_consuming queues={}", queues);
    }

    private void onPut(Message m) throws Exception {
        if (m.type().equals(Protocol.STORE_ITEMS_PUT)) {
            onPutAll(m);
            return;
        }
        JsonObject body = Valid.body(m);
        switch (m.type()) {
            case Protocol.STORE_ITEM_PUT -> {
                Item item = Valid.wellFormed(() -> Item.fromJson(Valid.object(body, "item")));
                boolean fresh = written(batcher.put(item));
                // A retry may follow a failed publish, so a redelivered put publishes again (notify dedupes by id).
                if (fresh || m.deliveries() > 1) {
                    JsonObject event = new JsonObject();
                    event.add("item", item.toJson());
                    ctx.bus().publish(Protocol.STORE_NOTIFY, Protocol.ITEM_ADDED, event).get();
                }
                m.reply(item.toJson());
            }
            case Protocol.STORE_ITEM_DELETE -> {
                long id = Valid.wellFormed(() -> UserInput.id(body, "id"));
                long owner = Valid.wellFormed(() -> UserInput.id(body, "owner"));
                switch (store.delete(id, owner)) {
                    case DELETED -> {
                        JsonObject event = new JsonObject();
                        event.addProperty("id", Long.toString(id));
                        event.addProperty("userid", Long.toString(owner));
                        event.addProperty("ts", System.currentTimeMillis());
                        ctx.bus().publish(Protocol.STORE_NOTIFY, Protocol.ITEM_DELETED, event).get();
                        store.deleteDone(id); // until here, a retry redoes the cache update and the publish
                        m.reply(new JsonObject());
                    }
                    case NOT_FOUND -> throw new HandlerFailure(404, "no item " + id);
                    case FORBIDDEN -> throw new HandlerFailure(403, "item " + id + " belongs to another user");
                }
            }
            case Protocol.STORE_ITEM_EDIT -> onEdit(m, body);
            case Protocol.STORE_USER_CREATE -> {
                User user = Valid.wellFormed(() -> UserJson.fromInternal(Valid.object(body, "user")));
                switch (store.createUser(user)) {
                    case CreateUserResult.Created c -> m.reply(c.user().toPublicJson());
                    case CreateUserResult.DuplicateEmail d -> throw new HandlerFailure(409, "email already registered: " + d.email());
                }
            }
            case Protocol.STORE_USER_REHASH -> {
                long id = Valid.wellFormed(() -> UserInput.id(body, "id"));
                String old = Valid.wellFormed(() -> body.get("old").getAsString());
                String hash = Valid.wellFormed(() -> body.get("passhash").getAsString());
                JsonObject out = new JsonObject();
                out.addProperty("replaced", store.rehashUser(id, old, hash));
                m.reply(out);
            }
            case Protocol.STORE_USER_PASSWORD -> {
                long id = Valid.wellFormed(() -> UserInput.id(body, "id"));
                String passhash = Valid.wellFormed(() -> body.get("passhash").getAsString());
                if (!store.setPasshash(id, passhash)) throw new HandlerFailure(404, "no user " + id);
                m.reply(new JsonObject());
            }
            default -> throw new HandlerFailure(400, "store_put does not handle type " + m.type());
        }
    }

    /**
     * A producer's batch: one bulk write (the batcher may merge it with others), one {@code items.added} for the new
     * ones (all of them on a redelivery: the first delivery may have died before its publish), one reply. Members the
     * store refuses are named in a 400 after the rest are stored and announced; a redelivery of it stores nothing twice.
     */
    private void onPutAll(Message m) throws Exception {
        List<Item> items = Valid.wellFormed(() -> ItemsPutBody.parse(m.bodyJson()));
        List<CompletableFuture<Boolean>> puts = batcher.putAll(items);
        // The items' JSON as text, never as a tree: notify stores each item's text as it arrives.
        StringBuilder announce = new StringBuilder(items.size() * 320);
        int announced = 0;
        List<String> refused = new ArrayList<>();
        int stored = 0;
        for (int i = 0; i < items.size(); i++) {
            try {
                boolean fresh = puts.get(i).get();
                if (fresh) stored++;
                if (fresh || m.deliveries() > 1) announce.append(announced++ == 0 ? "" : ",").append(items.get(i).toJsonText());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ItemBatcher.Rejected r)) throw e;
                refused.add(r.getMessage());
            }
        }
        if (announced > 0) {
            // n first, so that a counter (stats) reads no further.
            JsonText event = new JsonText("{\"n\":" + announced + ",\"items\":[" + announce + "]}");
            ctx.bus().publish(Protocol.STORE_NOTIFY, Protocol.ITEMS_ADDED, event).get();
        }
        if (!refused.isEmpty()) throw new HandlerFailure(400, refused.size() + " of " + items.size() + " items refused: " + String.join("; ", refused));
        JsonObject out = new JsonObject();
        out.addProperty("stored", stored);
        m.reply(out);
    }

    private void onEdit(Message m, JsonObject body) throws Exception {
        long id = Valid.wellFormed(() -> UserInput.id(body, "id"));
        long owner = Valid.wellFormed(() -> UserInput.id(body, "owner"));
        JsonObject patch = Valid.object(body, "patch");
        Set<Long> versions = Valid.wellFormed(() -> versions(body.get("versions")));
        EditResult r;
        try {
            r = store.edit(id, owner, versions, patch, m.id());
        } catch (InputException e) {
            throw new HandlerFailure(400, e.getMessage());
        }
        switch (r) {
            case EditResult.Edited e -> {
                publishEdited(e.item());
                m.reply(e.item().toJson());
            }
            case EditResult.AlreadyApplied a -> {
                // The first delivery may have died between the write and the publish: publish again (notify dedupes).
                if (m.deliveries() > 1) publishEdited(a.item());
                m.reply(a.item().toJson());
            }
            case EditResult.VersionMismatch v ->
                    throw new HandlerFailure(412, "item " + id + " is at version " + v.current() + "; If-Match named another");
            case EditResult.NotFound n -> throw new HandlerFailure(404, "no item " + id);
            case EditResult.Forbidden f -> throw new HandlerFailure(403, "item " + id + " belongs to another user");
        }
    }

    private void publishEdited(Item item) throws Exception {
        JsonObject event = new JsonObject();
        event.add("item", item.toJson());
        ctx.bus().publish(Protocol.STORE_NOTIFY, Protocol.ITEM_EDITED, event).get();
    }

    /** The versions an If-Match allows: a JSON array of positive integers, or absent/null for any. */
    private static Set<Long> versions(JsonElement e) {
        if (e == null || e.isJsonNull()) return null;
        Set<Long> out = new java.util.HashSet<>();
        for (JsonElement v : e.getAsJsonArray()) out.add(v.getAsLong());
        return out;
    }

    private void onGet(Message m) {
        JsonObject body = Valid.body(m);
        switch (m.type()) {
            case Protocol.STORE_ITEM_GET -> {
                long id = Valid.wellFormed(() -> UserInput.id(body, "id"));
                m.reply(store.get(id).orElseThrow(() -> new HandlerFailure(404, "no item " + id)).toJson());
            }
            case Protocol.STORE_INFO -> {
                // app validated uid, lim and off where the request entered the mesh: read them as they are typed.
                long uid = Valid.wellFormed(() -> UserInput.id(body, "uid"));
                int lim = Valid.wellFormed(() -> body.get("lim").getAsInt());
                int off = Valid.wellFormed(() -> body.get("off").getAsInt());
                if (store.replyInfoFromCache(m, uid, lim, off)) return; // a hit: one Redis step reads, replies and acks
                m.replyJson("{\"items\":" + store.infoJson(uid, lim, off) + "}");
            }
            case Protocol.STORE_TAGS -> {
                String keyword = Valid.wellFormed(() -> body.get("keyword").getAsString());
                int lim = Valid.wellFormed(() -> body.get("lim").getAsInt());
                int off = Valid.wellFormed(() -> body.get("off").getAsInt());
                JsonObject out = new JsonObject();
                out.add("items", store.byKeyword(keyword, lim, off));
                m.reply(out);
            }
            case Protocol.STORE_USER_BY_ID -> {
                long id = Valid.wellFormed(() -> UserInput.id(body, "id"));
                JsonObject out = new JsonObject();
                out.add("user", store.userById(id).<JsonElement>map(UserJson::toInternal).orElse(JsonNull.INSTANCE));
                m.reply(out);
            }
            case Protocol.STORE_USER_BY_EMAIL -> {
                String email = Valid.wellFormed(() -> body.get("email").getAsString());
                Optional<User> user = store.userByEmail(email);
                JsonObject out = new JsonObject();
                out.add("user", user.<JsonElement>map(UserJson::toInternal).orElse(JsonNull.INSTANCE));
                m.reply(out);
            }
            default -> throw new HandlerFailure(400, "store_get does not handle type " + m.type());
        }
    }

    private static boolean written(java.util.concurrent.Future<Boolean> put) throws Exception {
        try {
            return put.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ItemBatcher.Rejected r) throw new HandlerFailure(400, r.getMessage());
            throw e;
        }
    }

    @Override
    public void stop() {
        // Consumers are drained by the bus; nothing else takes work here.
    }

    @Override
    public void close() {
        batcher.close();
        mongo.close();
        log.info("event=store_closed");
    }

}
