package io.gorgon.roles.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pid file ({@value #FILE}) that says which 'gorgon up' and which server process use an embedded server's data
 * directory. A file whose supervisor is alive means that directory is in use: refuse, rather than share files with a
 * running server. A file whose supervisor is gone is a dead run (SIGKILLed, or the machine stopped): its server may
 * still run (an orphan holding the port and the data files) and is stopped; then the file goes. Either way one line
 * says what was found and done.
 */
public final class DataDirOwner {
    static final String FILE = "gorgon.pid";

    private DataDirOwner() {}

    /**
     * Cleans up after a dead run using {@code dir}; throws IllegalStateException if a live run uses it.
     *
     * @param serverMarker a string the server's command line contains ("redis-server", "infra mongo"), so a reused
     *                     pid is never taken for our server
     * @param say          gets the one line describing a cleanup
     */
    public static void cleanStale(Path dir, String what, String serverMarker, Consumer<String> say) {
        Path file = dir.resolve(FILE);
        String[] pids;
        try {
            if (!Files.exists(file)) return;
            pids = Files.readString(file).trim().split("\\s+");
        } catch (IOException e) {
            return;
        }
        long supervisor = parse(pids, 0);
        long server = parse(pids, 1);
        if (supervisor != ProcessHandle.current().pid() && running(supervisor, "gorgon").isPresent()) {
            throw new IllegalStateException(dir + " is in use by another 'gorgon up' (pid " + supervisor
                    + "); stop it first with 'scripts/gorgon stop', or give this one other data directories");
        }
        Optional<ProcessHandle> orphan = running(server, serverMarker);
        if (orphan.isPresent()) {
            say.accept("cleaning up after a dead run: its supervisor (pid " + supervisor + ") is gone; stopping its "
                    + what + " (pid " + server + ") still running on " + dir);
            stop(orphan.get());
        } else {
            say.accept("removing the stale pid file " + file + " of a dead run (pids " + supervisor + ", " + server
                    + " are gone)");
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // written again on start
        }
    }

    /** Records that this process (the supervisor) runs {@code serverPid} on {@code dir}. */
    public static void claim(Path dir, long serverPid) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(FILE), ProcessHandle.current().pid() + " " + serverPid + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** After a clean stop. */
    public static void release(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException ignored) {
            // a stale file is recognised on the next start
        }
    }

    private static Optional<ProcessHandle> running(long pid, String marker) {
        if (pid <= 0) return Optional.empty();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    /** SIGTERM (redis writes its AOF, mongo closes its store), SIGKILL after 15 s. */
    private static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception slow) {
            p.destroyForcibly();
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the port check that follows
            }
        }
    }

    private static long parse(String[] parts, int i) {
        try {
            return parts.length > i ? Long.parseLong(parts[i]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
