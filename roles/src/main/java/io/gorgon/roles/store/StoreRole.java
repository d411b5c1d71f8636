package io.gorgon.roles.store;

import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.UserJson;
import io.gorgon.protocol.User;
import io.gorgon.protocol.Item;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.protocol.InputException;
import io.gorgon.protocol.UserInput;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only role that touches MongoDB. Reads come on store_get, writes on store_put; every item add and delete is
 * published on store_notify. Writes are idempotent by id, so a redelivered store_put never stores twice.
 */
public final class StoreRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(StoreRole.class);

    private final RoleContext ctx;
    private MongoClient mongo;
    private StoreService store;
    private ItemBatcher batcher;

    public StoreRole(RoleContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void start() {
        mongo = MongoClients.create(ctx.config().mongo().uri());
        store = new StoreService(mongo.getDatabase(ctx.config().mongo().database()), ctx.redis(),
                new StoreService.Options(ctx.config().namespace(), ctx.config().store().recentCacheSize(), java.time.Duration.ZERO));
        batcher = new ItemBatcher(store, 2);
        int concurrency = ctx.config().bus().concurrency();
        // Writes wait in the batcher for a group commit: allow enough of them in flight to fill batches.
        ctx.bus().consume(Protocol.STORE_PUT, ConsumerOptions.defaults().withConcurrency(Math.max(concurrency, 512)).withBatchSize(500)
                .withMaxDeliveries(ctx.config().bus().maxDeliveries()), this::onPut);
        ctx.bus().consume(Protocol.STORE_GET, ConsumerOptions.defaults().withConcurrency(concurrency)
                .withMaxDeliveries(ctx.config().bus().maxDeliveries()), this::onGet);
    }

    private void onPut(Message m) throws Exception {
        JsonObject body = object(m.body());
        switch (m.type()) {
            case Protocol.STORE_ITEM_PUT -> {
                Item item = parse(() -> Item.fromJson(object(body.get("item"))));
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
                long id = parse(() -> UserInput.id(body, "id"));
                long owner = parse(() -> UserInput.id(body, "owner"));
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
            case Protocol.STORE_USER_CREATE -> {
                User user = parse(() -> UserJson.fromInternal(object(body.get("user"))));
                switch (store.createUser(user)) {
                    case CreateUserResult.Created c -> m.reply(c.user().toPublicJson());
                    case CreateUserResult.DuplicateEmail d -> throw new HandlerFailure(409, "email already registered: " + d.email());
                }
            }
            default -> throw new HandlerFailure(400, "store_put does not handle type " + m.type());
        }
    }

    private void onGet(Message m) {
        JsonObject body = object(m.body());
        switch (m.type()) {
            case Protocol.STORE_ITEM_GET -> {
                long id = parse(() -> UserInput.id(body, "id"));
                m.reply(store.get(id).orElseThrow(() -> new HandlerFailure(404, "no item " + id)).toJson());
            }
            case Protocol.STORE_INFO -> {
                long uid = parse(() -> UserInput.id(body, "uid"));
                int lim = body.has("lim") ? body.get("lim").getAsInt() : 20;
                int off = body.has("off") ? body.get("off").getAsInt() : 0;
                JsonObject out = new JsonObject();
                out.add("items", parse(() -> store.info(uid, lim, off)));
                m.reply(out);
            }
            case Protocol.STORE_USER_BY_EMAIL -> {
                String email = parse(() -> UserInput.email("email", body.get("email").getAsString()));
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
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ItemBatcher.Rejected r) throw new HandlerFailure(400, r.getMessage());
            throw e;
        }
    }

    /** Bad input inside a message is the sender's bug, not a transient failure: answer 400, don't retry. */
    static <T> T parse(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (InputException | IllegalArgumentException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new HandlerFailure(400, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    static JsonObject object(JsonElement e) {
        if (e == null || !e.isJsonObject()) throw new HandlerFailure(400, "body must be a JSON object");
        return e.getAsJsonObject();
    }

    @Override
    public void stop() {
        // Consumers are drained by the bus; nothing else takes work here.
    }

    @Override
    public void close() {
        if (batcher != null) batcher.close();
        if (mongo != null) mongo.close();
        log.info("event=store_closed");
    }

}
