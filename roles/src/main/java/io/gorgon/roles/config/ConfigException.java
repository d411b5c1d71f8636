package io.gorgon.roles.config;

import com.google.gson.JsonElement;

/** A configuration that cannot be used; the message is one line naming the key path, e.g. {@code web.port: ...}. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    /** {@code path: rule, got value}, the value as the user would write it in JSON. */
    static ConfigException invalid(String path, String rule, JsonElement got) {
        return new ConfigException(path + ": " + rule + ", got " + show(got));
    }

    /** A value in JSON, shortened to keep the error on one line. */
    static String show(JsonElement e) {
        String s = e == null ? "nothing" : e.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
