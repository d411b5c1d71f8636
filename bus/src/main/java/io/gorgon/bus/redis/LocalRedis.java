package io.gorgon.bus.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real redis-server child process on loopback: the embedded infrastructure of {@code gorgon up} and of every test.
 *
 * <p>The binary is {@code $GORGON_REDIS_SERVER}, else {@code redis-server} on PATH, else the one shipped inside the
 * embedded-redis artifact (Redis 6.2), extracted once. Port 0 means a free port. The process is started with AOF
 * persistence when asked, so {@link #kill()} followed by {@link #start()} models a crash and recovery.
 */
public final class LocalRedis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalRedis.class);
    private static final String EMBEDDED_BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private final Path dir;
    private final boolean appendOnly;
    private final String appendFsync;
    private final List<String> extraArgs;
    private final String password;
    private int port;
    private Process process;

    private LocalRedis(Builder b) {
        this.dir = b.dir;
        this.appendOnly = b.appendOnly;
        this.appendFsync = b.appendFsync;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.password = b.password;
        this.port = b.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts (or restarts, on the same port and data directory) the server and waits until it answers PING. */
    public synchronized LocalRedis start() {
        if (process != null && process.isAlive()) return this;
        try {
            Files.createDirectories(dir);
            if (port == 0) port = freePort();
            List<String> cmd = new ArrayList<>(List.of(binary().toString()));
            if (password != null) cmd.add(authConfig().toString()); // a config file must be the first argument
            cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toAbsolutePath().toString(),
                    "--save", "", "--protected-mode", "no", "--daemonize", "no",
                    "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", appendFsync,
                    "--logfile", "redis.log"));
            cmd.addAll(extraArgs);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.stdout").toFile())).start();
            awaitPing(Duration.ofSeconds(15));
            return this;
        } catch (IOException e) {
            // A server that never answered is no use to the caller, who has no handle on it: never leave it behind
            // holding the port and the data directory.
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                waitFor(process);
            }
            throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
        }
    }

    /** SIGKILL: a crash, for drills. */
    public synchronized void kill() {
        if (process == null) return;
        process.destroyForcibly();
        waitFor(process);
    }

    /** SIGTERM: redis-server flushes and exits cleanly. */
    public synchronized void stop() {
        if (process == null) return;
        process.destroy();
        waitFor(process);
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** {@code redis://127.0.0.1:PORT}, with {@code :password@} when the server requires one. */
    public String uri() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    /**
     * The password goes in a config file only its owner can read ({@code auth.conf} in the data directory), not on
     * the command line, where every local user could read it in {@code ps}. {@code masterauth} too, so a replica of
     * a password-protected primary can follow it.
     */
    private Path authConfig() throws IOException {
        Path conf = dir.resolve("auth.conf");
        Path tmp = dir.resolve("auth.conf.part");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, "requirepass \"" + password + "\"\nmasterauth \"" + password + "\"\n");
        Files.move(tmp, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return conf.toAbsolutePath();
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for +PONG. A server that answers -LOADING is alive and replaying its AOF, which takes as long as the data
     * is big (16 s for ~40k keys of a long run): each such answer moves the deadline on, so only a server that does
     * not answer at all for {@code timeout} fails.
     */
    private void awaitPing(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean loading = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see " + dir.resolve("redis.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                OutputStream out = s.getOutputStream();
                // AUTH is allowed while loading; without it a protected server answers PING with -NOAUTH.
                String probe = (password == null ? "" : "AUTH \"" + password + "\"\r\n") + "PING\r\n";
                out.write(probe.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.setSoTimeout(500);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[256];
                StringBuilder got = new StringBuilder();
                int lines = password == null ? 1 : 2;
                while (got.chars().filter(c -> c == '\n').count() < lines) {
                    int n = in.read(buf);
                    if (n < 0) break;
                    got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                }
                if (got.toString().endsWith("+PONG\r\n")) return;
                if (got.indexOf("-LOADING") >= 0) {
                    if (!loading) log.info("event=redis_loading port={} dir={} (replaying its data; waiting)", port, dir);
                    loading = true;
                    deadline = System.nanoTime() + timeout.toNanos();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for redis-server");
            }
        }
        throw new IOException("redis-server did not answer PING on port " + port + " within " + timeout.toSeconds() + "s");
    }

    /** A port that was free a moment ago; good enough for loopback tests and local runs. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** The redis-server binary this machine will use; extracted from the embedded-redis artifact when none is installed. */
    public static synchronized Path binary() throws IOException {
        String env = System.getenv("GORGON_REDIS_SERVER");
        if (env != null && !env.isBlank()) return Path.of(env);
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "redis-server");
            if (Files.isExecutable(p)) return p;
        }
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "gorgon-redis-" + System.getProperty("user.name"), EMBEDDED_BINARY);
        if (Files.isExecutable(cache)) return cache;
        try (InputStream in = LocalRedis.class.getResourceAsStream("/" + EMBEDDED_BINARY)) {
            if (in == null) throw new IOException("no redis-server on PATH and no embedded binary on the classpath");
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), "redis", ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return cache;
    }

    public static final class Builder {
        private Path dir;
        private int port;
        private boolean appendOnly;
        private String appendFsync = "everysec";
        private String password;
        private final List<String> extraArgs = new ArrayList<>();

        public Builder port(int port) { this.port = port; return this; }
        public Builder dir(Path dir) { this.dir = dir; return this; }
        public Builder appendOnly(boolean on) { this.appendOnly = on; return this; }
        /** "always", "everysec" or "no": what a crash may lose; see the README's guarantees. */
        public Builder appendFsync(String mode) { this.appendFsync = mode; return this; }
        public Builder arg(String name, String value) { extraArgs.add(name); extraArgs.add(value); return this; }
        /** Clients must AUTH with this (printable ASCII without quotes or spaces, e.g. a generated token). */
        public Builder password(String password) {
            if (password != null && !password.matches("[!#-~&&[^\"\\\\]]+")) throw new IllegalArgumentException("password: printable ASCII without quotes, spaces or backslashes");
            this.password = password;
            return this;
        }

        public LocalRedis build() {
            if (dir == null) {
                try {
                    dir = Files.createTempDirectory("gorgon-redis-");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new LocalRedis(this);
        }
    }
}
