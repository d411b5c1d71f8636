package io.gorgon.roles;

import io.gorgon.roles.config.GorgonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * STUB (the cli branch): runs one role until the process is asked to stop. The real RoleMain replaces this at merge;
 * the supervisor and its tests only need "blocks until SIGTERM, then returns 0".
 */
public final class RoleMain {
    private static final Logger log = LoggerFactory.getLogger(RoleMain.class);

    private RoleMain() {}

    /** Blocks until the role stops; returns the process exit code. */
    public static int run(String role, GorgonConfig config) {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "role-stop"));
        log.info("role starting role={} namespace={} port={}", role, config.namespace(), config.portOf(role));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("role stopped role={}", role);
        return 0;
    }
}
