package io.gorgon.roles.notify;

import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.Failure;
import io.gorgon.protocol.Protocol;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the auth role whose a bearer token is ({@code auth.validate} on auth_get), once per WebSocket upgrade: notify
 * knows nothing of how tokens are stored, since roles talk only through queues.
 */
final class TokenCheck {
    /** Who a valid token speaks for, and until when (ms epoch): the socket is closed then. */
    record Principal(long userid, long expiresAt) {}

    private final Bus bus;
    private final Duration timeout;

    TokenCheck(Bus bus, Duration timeout) {
        this.bus = bus;
        this.timeout = timeout;
    }

    /** Empty for a missing, invalid or expired token; throws {@link BusException} when auth cannot answer now. */
    Optional<Principal> validate(String token) {
        if (token == null || token.isBlank()) return Optional.empty();
        try {
            JsonObject r = Bus.join(bus.request(Protocol.AUTH_GET, Protocol.AUTH_VALIDATE, new JsonObject(),
                    new DeliveryOptions(Map.of(Protocol.H_TOKEN, token), timeout))).getAsJsonObject();
            return Optional.of(new Principal(Long.parseLong(r.get("userid").getAsString()), r.get("expiresAt").getAsLong()));
        } catch (BusException e) {
            if (e.failure() == Failure.HANDLER_FAILED && e.code() == 401) return Optional.empty();
            throw e;
        }
    }
}
