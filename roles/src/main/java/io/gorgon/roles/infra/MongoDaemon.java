package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.MongoServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded MongoDB ({@code gorgon infra mongo}): mongo-java-server on the durable H2 backend, in its own process
 * so that killing a role never takes the database with it. Runs until SIGTERM, then closes the store cleanly.
 */
public final class MongoDaemon {
    private static final Logger log = LoggerFactory.getLogger(MongoDaemon.class);
    static final String FILE_NAME = "gorgon.mv";

    private MongoDaemon() {}

    /** Blocks until the process is asked to stop; returns the exit code. */
    public static int run(int port, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME).toAbsolutePath();
        MongoServer server = new MongoServer(DurableH2Backend.open(file.toString()));
        server.bind("127.0.0.1", port);
        log.info("mongo ready port={} file={}", port, file);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("mongo stopping port={}", port);
            server.shutdownNow();
            stopped.countDown();
        }, "mongo-stop"));
        stopped.await();
        return 0;
    }
}
