package io.gorgon.roles.provider;

import com.google.gson.JsonArray;
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
 * delivery per matching webhook. The event id is the store_notify message id (with "/index" for each item of an
 * items.added), the same however often this message is redelivered, so a receiver can dedupe. The deliveries are in
 * Redis before the event is acknowledged:
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
        if (registry.all().isEmpty()) return; // no webhooks: no need to read the event (the common case, at every insert)
        if (m.body() == null || !m.body().isJsonObject()) return;
        JsonObject body = m.body().getAsJsonObject();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        if (Protocol.ITEMS_ADDED.equals(type)) {
            // A batch is one item.added per item for receivers; "/index" keeps each event's id unique and stable.
            if (!(body.get("items") instanceof JsonArray items)) return;
            for (int i = 0; i < items.size(); i++) queue(sends, m.id() + "/" + i, Protocol.ITEM_ADDED, m.sentAt(), items.get(i));
        } else if (WebhookRegistry.EVENTS.contains(type)) {
            queue(sends, m.id(), type, m.sentAt(), body.has("item") ? body.get("item") : body); // a delete carries {id, userid, ts} itself
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }

    private void queue(List<CompletableFuture<Void>> sends, String id, String type, long ts, JsonElement item) {
        if (!item.isJsonObject() || !item.getAsJsonObject().has("userid")) return;
        long userid;
        try {
            userid = Long.parseLong(item.getAsJsonObject().get("userid").getAsString());
        } catch (NumberFormatException e) {
            return;
        }
        for (WebhookRegistry.Webhook w : registry.all()) {
            if (!w.matches(type, userid)) continue;
            JsonObject event = new JsonObject();
            event.addProperty("id", id);
            event.addProperty("type", type);
            event.addProperty("userid", Long.toString(userid));
            event.addProperty("ts", ts);
            event.add("item", item);
            JsonObject delivery = new JsonObject();
            delivery.addProperty("webhook", w.id());
            delivery.add("event", event);
            sends.add(bus.sendAsync(Protocol.PROVIDER_PUT, Protocol.PROVIDER_WEBHOOK_DELIVER, delivery));
        }
    }
}
