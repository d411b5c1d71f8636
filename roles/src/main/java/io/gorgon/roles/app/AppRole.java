package io.gorgon.roles.app;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.bus.Ids;
import io.gorgon.roles.json.Valid;
import io.gorgon.protocol.UserInput;
import io.gorgon.protocol.Item;
import java.util.Map;

/**
 * The application logic on app_get: validates user input, assigns ids, checks ownership and routes each request
 * type to the queue that serves it (forwarding keeps the requester's reply address, so the last hop answers the
 * web instance directly). Requests arrive only through auth, carrying the caller's id as the principal header.
 *
 * <p>Where each type goes comes from config ({@code app.routes}, the POA seed's "receivers mapped by type"): the
 * built-in types are validated and translated into store requests here; any other routed type is forwarded as it
 * is, with the principal, to whatever role consumes its queue. A type with no route is answered 404.
 */
public final class AppRole implements Role {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AppRole.class);
    private final RoleContext ctx;
    private final io.gorgon.roles.SignedPrincipal principals;
    private final CreationIds creationIds;
    private volatile Map<String, String> routes;

    public AppRole(RoleContext ctx) {
        this.ctx = ctx;
        this.principals = new io.gorgon.roles.SignedPrincipal(ctx.config().auth().signingKey()); // fails closed without a key
        this.routes = ctx.config().app().routes();
        this.creationIds = new CreationIds(ctx.redis(), ctx.keys(), Ids.fromRedis(ctx.redis(), ctx.config().namespace()),
                ctx.requestTimeout());
    }

    @Override
    public void reload(io.gorgon.roles.config.GorgonConfig config) {
        routes = config.app().routes();
    }

    @Override
    public void start() {
        ctx.bus().consume(Protocol.APP_GET, ctx.consumerOptions(), this::handle);
    }

    void handle(Message m) {
        long principal = principals.of(m); // auth's signature checked: Redis writers cannot pose as a user
        String queue = routes.get(m.type());
        if (queue == null) throw new HandlerFailure(404, "no route for " + m.type());
        JsonObject in = Valid.body(m);
        switch (m.type()) {
            case Protocol.APP_ITEM_CREATE -> {
                JsonElement raw = in.get("item");
                if (raw == null || !raw.isJsonObject()) throw new HandlerFailure(400, "body must be a JSON object");
                var input = Valid.orBadRequest(() -> UserInput.item(raw.getAsJsonObject()));
                // Same request, same id (and default ts): a redelivered create is a duplicate the store ignores.
                long id = creationIds.idFor(requestKey(m));
                Item item = Item.of(id, principal, Ids.timestampOf(id), input);
                JsonObject out = new JsonObject();
                out.add("item", item.toJson());
                m.forward(queue, Protocol.STORE_ITEM_PUT, out, Map.of());
            }
            case Protocol.APP_ITEM_GET -> {
                long id = Valid.orBadRequest(() -> UserInput.id("id", string(in, "id")));
                m.forward(queue, Protocol.STORE_ITEM_GET, idBody(id), Map.of());
            }
            case Protocol.APP_ITEM_DELETE -> {
                long id = Valid.orBadRequest(() -> UserInput.id("id", string(in, "id")));
                JsonObject out = idBody(id);
                out.addProperty("owner", Long.toString(principal));
                m.forward(queue, Protocol.STORE_ITEM_DELETE, out, Map.of());
            }
            case Protocol.APP_ITEM_EDIT -> {
                long id = Valid.orBadRequest(() -> UserInput.id("id", string(in, "id")));
                JsonElement patch = in.get("patch");
                if (patch == null || !patch.isJsonObject()) throw new HandlerFailure(400, "body must be a JSON object (a merge patch)");
                JsonObject out = idBody(id);
                out.addProperty("owner", Long.toString(principal));
                out.add("patch", patch);
                IfMatch.versions(string(in, "ifMatch")).ifPresent(v -> out.add("versions", v));
                m.forward(queue, Protocol.STORE_ITEM_EDIT, out, Map.of());
            }
            case Protocol.APP_INFO -> {
                // Validated here, once, where the request enters the application; the store reads the typed fields.
                long uid = Valid.orBadRequest(() -> UserInput.id("uid", string(in, "uid")));
                UserInput.Page page = Valid.orBadRequest(() -> UserInput.page(string(in, "lim"), string(in, "off")));
                JsonObject out = new JsonObject();
                out.addProperty("uid", Long.toString(uid));
                out.addProperty("lim", page.lim());
                out.addProperty("off", page.off());
                m.forward(queue, Protocol.STORE_INFO, out, Map.of());
            }
            case Protocol.APP_TAGS -> {
                String keyword = Valid.orBadRequest(() -> UserInput.keyword("keyword", string(in, "keyword")));
                UserInput.Page page = Valid.orBadRequest(() -> UserInput.page(string(in, "lim"), string(in, "off")));
                JsonObject out = new JsonObject();
                out.addProperty("keyword", keyword);
                out.addProperty("lim", page.lim());
                out.addProperty("off", page.off());
                m.forward(queue, Protocol.STORE_TAGS, out, Map.of());
            }
            default -> m.forward(queue, m.type(), m.body(), Map.of()); // a routed type this role has no logic for
        }
    }

    /** What names one client request across hops and redeliveries: web's request header, kept by every forward. */
    private static String requestKey(Message m) {
        String r = m.header(Protocol.H_REQUEST);
        return r != null && !r.isEmpty() && r.length() <= 128 ? r : m.id();
    }

    private static JsonObject idBody(long id) {
        JsonObject o = new JsonObject();
        o.addProperty("id", Long.toString(id));
        return o;
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }


    @Override
    public void stop() {}
}
