package io.gorgon.roles.config;

/** A configuration that cannot be used; the message is one line naming the key path, e.g. {@code web.port: ...}. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
