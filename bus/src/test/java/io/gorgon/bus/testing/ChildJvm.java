package io.gorgon.bus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class run as a real OS process on this test's classpath, so tests can SIGKILL it.
 * Every child is also destroyed by a shutdown hook, so a failed test leaves no JVM behind.
 */
public final class ChildJvm implements AutoCloseable {
    private static final List<Process> ALL = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(Process::destroyForcibly)));
    }

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ChildJvm start(Class<?> main, List<String> args, Map<String, String> env, Path log) {
        return start(main, List.of(), args, env, log);
    }

    /** @param jvmArgs after the defaults, so they win (e.g. a role's production heap, {@code -Xmx160m}) */
    public static ChildJvm start(Class<?> main, List<String> jvmArgs, List<String> args, Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            ALL.add(p);
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + main.getName(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no drain, no goodbye. */
    public void kill() {
        process.destroyForcibly();
        await(10);
    }

    /** SIGTERM: the graceful path. Returns the exit code, or -1 if it did not exit in time (then it is killed). */
    public int terminate(int seconds) {
        process.destroy();
        if (!await(seconds)) {
            process.destroyForcibly();
            await(10);
            return -1;
        }
        return process.exitValue();
    }

    private boolean await(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) kill();
        ALL.remove(process);
    }
}
