package io.gorgon.roles.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command in a pseudo-terminal, as a user runs it: util-linux {@code script} gives it a pty as its controlling
 * terminal, in its own session with the command as the foreground process group. {@link #ctrlC()} types ^C, so the
 * pty's line discipline sends SIGINT to that whole group, exactly as a terminal does.
 */
final class Terminal implements AutoCloseable {
    static final Path SCRIPT = Path.of("/usr/bin/script");

    private final Process process;
    private final StringBuffer screen = new StringBuffer();
    private final Thread reader;

    private Terminal(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("terminal-reader").start(this::read);
    }

    static boolean available() {
        return Files.isExecutable(SCRIPT) && DetachedMesh.setsid() != null;
    }

    /**
     * Runs {@code command} (a shell command line) in a new pty; its stdin stays open so nothing sees an EOF. The
     * command replaces the shell {@code script} starts ({@code exec}): that shell is {@code $SHELL}, or dash when
     * SHELL is unset (as under CI), and dash, seeing the ^C too, exits 130 after its child even when the child
     * handled it and exited 0. SHELL is pinned to /bin/sh so this runs the same here and there.
     */
    static Terminal run(String command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "-qfec", "exec " + command, "/dev/null").redirectErrorStream(true);
        pb.environment().put("SHELL", "/bin/sh");
        pb.environment().putAll(env);
        return new Terminal(pb.start());
    }

    private void read() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (IOException closed) {
            // the process ended
        }
    }

    /** Types Ctrl-C. */
    void ctrlC() throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(3);
        in.flush();
    }

    String screen() {
        return screen.toString().replace("\r\n", "\n");
    }

    /** Waits until the screen matches {@code regex} (multiline); fails with the screen if the command ends first. */
    Matcher await(String regex, Duration limit) throws InterruptedException {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(screen());
            if (m.find()) return m;
            if (!process.isAlive()) {
                reader.join(2000);
                m = p.matcher(screen());
                if (m.find()) return m;
                throw new AssertionError("the command ended (exit " + process.exitValue() + ") before printing /" + regex
                        + "/; screen:\n" + tail());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no /" + regex + "/ within " + limit.toSeconds() + " s; screen:\n" + tail());
    }

    /** The command's exit code (script -e passes it on); fails if it takes longer. */
    int exitCode(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + limit.toSeconds() + " s; screen:\n" + tail());
        }
        reader.join(2000);
        return process.exitValue();
    }

    String tail() {
        String s = screen();
        return s.length() > 6000 ? "…" + s.substring(s.length() - 6000) : s;
    }

    /** Pids of live processes whose command line contains {@code marker} (e.g. the run's temp directory). */
    static List<String> processesWith(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.equals(String.valueOf(ProcessHandle.current().pid()))) continue;
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmd.contains(marker)) found.add(name + " " + cmd);
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }

    /** SIGKILLs the command and everything under it, and anything else carrying {@code marker}: no test leaves daemons. */
    void killAll(String marker) throws IOException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        for (String line : processesWith(marker)) {
            ProcessHandle.of(Long.parseLong(line.substring(0, line.indexOf(' ')))).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) process.destroyForcibly();
    }
}
