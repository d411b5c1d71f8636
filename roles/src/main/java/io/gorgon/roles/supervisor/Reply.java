package io.gorgon.roles.supervisor;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The supervisor's answer to one control command; {@code code} is the CLI's exit code (0 ok, 1 failed, 2 bad input). */
public record Reply(boolean ok, int code, String message) {
    String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("ok", ok);
        o.addProperty("code", code);
        o.addProperty("message", message);
        return o.toString();
    }

    static Reply fromJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return new Reply(o.get("ok").getAsBoolean(), o.get("code").getAsInt(), o.get("message").getAsString());
    }
}
