package io.gorgon.roles.provider;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads every item event (store_notify, as the provider role's own subscriber group) and queues one provider_put
 * delivery per matching webhook. The event id is the store_notify message id, the same however often this
 * message is redelivered, so a receiver can dedupe. The deliveries are in Redis before the event is acknowledged:
 * at-least-once from the store to every matching webhook. Separate messages per webhook are what keep one slow
 * endpoint from holding up the others.
 */
final class WebhookFanout {
    private final WebhookRegistry registry;
    private final Bus bus;

    WebhookFanout(WebhookRegistry registry, Bus bus) {
        this.registry = registry;
        this.bus = bus;
    }

    void onEvent(Message m) {
        String type = m.type();
        if (!WebhookRegistry.EVENTS.contains(type) || m.body() == null || !m.body().isJsonObject()) return;
        JsonObject body = m.body().getAsJsonObject();
        JsonElement item = body.has("item") ? body.get("item") : body; // a delete carries {id, userid, ts} itself
        if (!item.isJsonObject() || !item.getAsJsonObject().has("userid")) return;
        long userid;
        try {
            userid = Long.parseLong(item.getAsJsonObject().get("userid").getAsString());
        } catch (NumberFormatException e) {
            return;
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (WebhookRegistry.Webhook w : registry.all()) {
            if (!w.matches(type, userid)) continue;
            JsonObject event = new JsonObject();
            event.addProperty("id", m.id());
            event.addProperty("type", type);
            event.addProperty("userid", Long.toString(userid));
            event.addProperty("ts", m.sentAt());
            event.add("item", item);
            JsonObject delivery = new JsonObject();
            delivery.addProperty("webhook", w.id());
            delivery.add("event", event);
            sends.add(bus.sendAsync(Protocol.PROVIDER_PUT, Protocol.PROVIDER_WEBHOOK_DELIVER, delivery));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }
}
