package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * mongo-java-server's H2 backend with "acknowledged means stored". H2Backend writes to an MVStore that commits only
 * in the background about once a second, so a SIGKILL lost up to a second of acknowledged writes. Here every request
 * that changed something commits before its reply is sent: the wire handler writes the reply after the backend's
 * {@code handleMessage} (OP_MSG), {@code handleQuery} or {@code handleCommand} (legacy OP_QUERY) returns, and all
 * three go through this wrapper. (A proxy rather than a subclass: {@code handleCommand} takes a netty type that is
 * not on our compile classpath.)
 *
 * <p>A commit hands the data to the OS, it does not fsync: a crash of the mongo process loses nothing acknowledged;
 * a power loss may lose the last moments, as with redis' appendfsync everysec.
 */
final class DurableH2Backend {
    private static final Set<String> REQUESTS = Set.of("handleMessage", "handleQuery", "handleCommand");

    private DurableH2Backend() {}

    static MongoBackend open(String fileName) {
        H2Backend backend = new H2Backend(fileName);
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(MongoBackend.class.getClassLoader(), new Class<?>[] {MongoBackend.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(backend, args);
                        return result == backend ? self[0] : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        // Also after a failed request: an insertMany can store some documents before a duplicate key.
                        if (REQUESTS.contains(method.getName()) && backend.getMvStore().hasUnsavedChanges()) {
                            backend.commit();
                        }
                    }
                });
        return (MongoBackend) self[0];
    }
}
