package io.gorgon.roles.notify;

import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;

/** Placeholder until the notify branch lands (WebSocket push with resume). */
public final class NotifyRole implements Role {
    public NotifyRole(RoleContext ctx) {}

    @Override
    public void start() {}

    @Override
    public void stop() {}
}
