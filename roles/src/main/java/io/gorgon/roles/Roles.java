package io.gorgon.roles;

import io.gorgon.roles.app.AppRole;
import io.gorgon.roles.auth.AuthRole;
import io.gorgon.roles.notify.NotifyRole;
import io.gorgon.roles.provider.ProviderRole;
import io.gorgon.roles.stats.StatsRole;
import io.gorgon.roles.store.StoreRole;
import io.gorgon.roles.web.WebRole;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The one list of roles, in start order (a role's dependencies first), with how each is built. */
public enum Roles {
    STORE("store", StoreRole::new),
    AUTH("auth", AuthRole::new),
    PROVIDER("provider", ProviderRole::new),
    APP("app", AppRole::new),
    NOTIFY("notify", NotifyRole::new),
    STATS("stats", StatsRole::new),
    WEB("web", WebRole::new);

    /** The role names in start order, as config and the CLI spell them. */
    public static final List<String> NAMES = Arrays.stream(values()).map(Roles::roleName).toList();

    /** Builds a role from its context; may fail (bad config, unreachable store). */
    @FunctionalInterface
    interface Factory {
        Role build(RoleContext ctx) throws Exception;
    }

    private final String roleName;
    private final Factory factory;

    Roles(String roleName, Factory factory) {
        this.roleName = roleName;
        this.factory = factory;
    }

    public String roleName() {
        return roleName;
    }

    public static Optional<Roles> named(String name) {
        return Arrays.stream(values()).filter(r -> r.roleName.equals(name)).findFirst();
    }

    Role build(RoleContext ctx) throws Exception {
        return factory.build(ctx);
    }
}
