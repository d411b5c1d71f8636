package io.gorgon.roles.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The {@link MongoDaemon} as a child process of this JVM: start (waits until it accepts connections), kill, stop. */
public final class MongoChild implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MongoChild.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path dir;
    private final Path logFile;
    private Process process;

    public MongoChild(int port, Path dir, Path logFile) {
        this.port = port;
        this.dir = dir;
        this.logFile = logFile;
    }

    /** Starts (or restarts, on the same port and file) the daemon and waits until it accepts connections. */
    public synchronized MongoChild start() {
        if (process != null && process.isAlive()) return this;
        List<String> cmd = Jvm.gorgon("256m", Map.of(), "infra", "mongo", "--port", String.valueOf(port),
                "--dir", dir.toAbsolutePath().toString());
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().put("GORGON_SUPERVISOR_PID", String.valueOf(ProcessHandle.current().pid()));
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded mongo: " + e.getMessage(), e);
        }
        awaitReady();
        log.info("mongo started pid={} port={} dir={} log={}", process.pid(), port, dir, logFile);
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the embedded mongo exited with " + process.exitValue() + "; see " + logFile);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the embedded mongo did not listen on port " + port + " within "
                + READY_TIMEOUT.toSeconds() + "s; see " + logFile);
    }

    /** SIGKILL: a crash, for drills and tests. */
    public synchronized void kill() {
        if (process == null) return;
        process.destroyForcibly();
        waitFor(10);
    }

    /** SIGTERM: the store is closed cleanly; SIGKILL if it takes longer than 10 s. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        if (!waitFor(10)) {
            log.warn("mongo did not stop in 10s, killing pid={}", process.pid());
            process.destroyForcibly();
            waitFor(10);
        }
        log.info("mongo stopped pid={} exit={}", process.pid(), process.isAlive() ? "?" : String.valueOf(process.exitValue()));
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded mongo");
        }
    }
}
