package io.gorgon.roles.notify;

import com.google.gson.JsonPrimitive;
import java.util.Map;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One item event as the notify role keeps it.
 *
 * @param id       the event id: the entry id in the fan-out stream, copied into the user's stream (global order)
 * @param userid   whose item it is
 * @param type     {@code item.added}, {@code item.edited} or {@code item.deleted}
 * @param ts       when the store published it (ms epoch), for the delivery latency
 * @param itemJson the item's JSON ({@code {id, userid, ts}} only, for a delete); produced by Gson, so valid JSON
 */
record NotifyEvent(StreamEntryID id, long userid, String type, long ts, String itemJson) {

    /** Reads an entry of a stream written by {@link EventLog}; {@code userid} is null for the fan-out stream. */
    static NotifyEvent of(StreamEntry e, Long userid) {
        Map<String, String> f = e.getFields();
        long u = userid != null ? userid : Long.parseLong(f.get("u"));
        return new NotifyEvent(e.getID(), u, f.get("t"), Long.parseLong(f.get("ts")), f.get("i"));
    }

    /** The frame sent to clients: {@code {"op":"event","id":…,"type":…,"userid":…,"item":{…}}}. */
    String frame() {
        // Concatenated, not re-serialised: the item is already JSON and this runs once per event.
        return "{\"op\":\"event\",\"id\":\"" + id + "\",\"type\":" + new JsonPrimitive(type) + ",\"userid\":\"" + userid
                + "\",\"item\":" + itemJson + "}";
    }
}
