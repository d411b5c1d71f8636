package io.gorgon.roles.cli;

import io.gorgon.bus.redis.LocalRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI in-process: bad input is exit 2 and exactly one line on stderr; nothing on stdout, no stack trace. */
class CliErrorsTest {
    @TempDir Path tmp;

    record Result(int code, String out, String err) {
        /** Asserts the one-line error contract and returns that line. */
        String oneErrorLine(int expectedCode) {
            assertEquals(expectedCode, code, () -> "exit code; stderr: " + err + " stdout: " + out);
            assertEquals("", out, "nothing on stdout");
            assertTrue(err.endsWith("\n"), err);
            String line = err.substring(0, err.length() - 1);
            assertFalse(line.contains("\n"), () -> "one line only:\n" + err);
            assertFalse(line.contains("Exception") || line.contains("\tat "), line);
            return line;
        }
    }

    static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gorgon.execute(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void unknownCommand() {
        String line = run("frobnicate").oneErrorLine(2);
        assertTrue(line.startsWith("gorgon: unknown command 'frobnicate'; commands: role, up, scale, status"), line);
        assertFalse(line.contains("infra"), "hidden commands are not advertised: " + line);
    }

    @Test
    void badFlag() {
        assertEquals("gorgon: Unknown option: '--bogus' (see 'gorgon up --help')", run("up", "--bogus").oneErrorLine(2));
        assertTrue(run("status", "--json=maybe").oneErrorLine(2).startsWith("gorgon: "));
        assertTrue(run("simulate", "--rate", "fast").oneErrorLine(2).contains("--rate"));
        assertTrue(run("simulate", "--users", "0").oneErrorLine(2).contains("--users must be >= 1"));
    }

    @Test
    void badRoleName() {
        assertEquals("gorgon: unknown role 'mailer'; roles are store, auth, provider, app, notify, stats, web (see 'gorgon role --help')",
                run("role", "mailer").oneErrorLine(2));
        assertTrue(run("role").oneErrorLine(2).contains("Missing required parameter: 'NAME'"));
    }

    @Test
    void badSet() {
        assertEquals("config error: web.port: must be an integer, got \"abc\"", run("role", "web", "--set", "web.port=abc").oneErrorLine(2));
        assertEquals("config error: --set web.port: expected key.path=value, e.g. web.port=8090",
                run("config", "show", "--set", "web.port").oneErrorLine(2));
        assertTrue(run("up", "--set", "redis.nope=1").oneErrorLine(2).startsWith("config error: redis.nope: unknown key in redis"));
    }

    @Test
    void badConfigFiles() throws IOException {
        Path missing = tmp.resolve("missing.json");
        assertEquals("config error: " + missing + ": no such file", run("role", "web", "--config", missing.toString()).oneErrorLine(2));

        Path invalid = Files.writeString(tmp.resolve("invalid.json"), "{\"web\": {\"port\": 80,}\n");
        String line = run("up", "--config", invalid.toString()).oneErrorLine(2);
        assertTrue(line.startsWith("config error: " + invalid + ": invalid JSON: "), line);

        Path unknown = Files.writeString(tmp.resolve("unknown.json"), "{\"web\": {\"prot\": 80}}");
        assertTrue(run("role", "store", "-c", unknown.toString()).oneErrorLine(2)
                .startsWith("config error: web.prot: unknown key in web; known keys: port, maxBodyBytes"));

        Path fromEnv = Files.writeString(tmp.resolve("env.json"), "{\"instances\": {\"web\": -1}}");
        assertEquals("config error: instances.web: must be 0..64, got -1",
                run(Map.of("GORGON_CONFIG", fromEnv.toString()), "config", "show").oneErrorLine(2));
    }

    @Test
    void badControlArguments() {
        assertTrue(run("scale").oneErrorLine(2).contains("Missing required parameter"));
        assertEquals("gorgon: expected ROLE=N, got 'web' (see 'gorgon scale --help')", run("scale", "web").oneErrorLine(2));
        assertTrue(run("scale", "mailer=1").oneErrorLine(2).startsWith("gorgon: unknown role 'mailer'"));
        assertTrue(run("scale", "web=two").oneErrorLine(2).startsWith("gorgon: web: count must be a number 0..64, got 'two'"));
        assertTrue(run("scale", "web=65").oneErrorLine(2).startsWith("gorgon: web: count must be 0..64, got 65"));
        assertTrue(run("scale", "web=-1").oneErrorLine(2).startsWith("gorgon: web: count must be 0..64, got -1"));
        assertTrue(run("scale", "web=1", "web=2").oneErrorLine(2).contains("given twice"));
        assertTrue(run("kill", "web").oneErrorLine(2).startsWith("gorgon: expected an instance like web-1"));
        assertTrue(run("kill", "mailer-1").oneErrorLine(2).startsWith("gorgon: expected an instance like web-1"));
        assertTrue(run("stop", "web-0").oneErrorLine(2).startsWith("gorgon: expected a role"));
        assertTrue(run("dlq").oneErrorLine(2).startsWith("gorgon: missing action"));
        assertTrue(run("dlq", "list", "--limit", "-1").oneErrorLine(2).contains("--limit must be >= 0"));
    }

    @Test
    void controlWithoutSupervisorFailsWithOneLine() {
        int port = LocalRedis.freePort();
        String line = run("scale", "web=2", "--set", "redis.uri=redis://127.0.0.1:" + port).oneErrorLine(1);
        assertTrue(line.startsWith("gorgon: scale: cannot reach redis at redis://127.0.0.1:" + port), line);
        try (LocalRedis redis = LocalRedis.builder().build().start()) {
            assertEquals("gorgon: kill: no supervisor is running for namespace 'gorgon' (start one with 'gorgon up')",
                    run("kill", "web-1", "--set", "redis.uri=" + redis.uri()).oneErrorLine(1));
        }
    }

    @Test
    void adminCommandsWithoutRedisSayOneLineAndExit1() {
        int port = LocalRedis.freePort();
        String uri = "redis.uri=redis://127.0.0.1:" + port;
        for (String[] args : new String[][] {{"status"}, {"dlq", "purge", "store_put"}, {"dlq", "list"}, {"config", "reload"}}) {
            List<String> all = new java.util.ArrayList<>(List.of(args));
            all.addAll(List.of("--set", uri));
            String line = run(all.toArray(String[]::new)).oneErrorLine(1);
            assertTrue(line.startsWith("gorgon: " + String.join(" ", args).replace(" store_put", "") + ": cannot reach Redis at redis://127.0.0.1:" + port), line);
        }
    }

    @Test
    void helpEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"role", "--help"}, {"up", "--help"}, {"scale", "--help"},
                {"status", "--help"}, {"stop", "--help"}, {"kill", "--help"}, {"dlq", "list", "--help"},
                {"dlq", "requeue", "--help"}, {"dlq", "purge", "--help"}, {"config", "reload", "--help"},
                {"config", "show", "--help"}, {"simulate", "--help"}, {"demo", "--help"}}) {
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().startsWith("Usage: gorgon"), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void configShowPrintsTheEffectiveDocumentWithPasswordsMasked() {
        Result r = run(Map.of("GORGON_REDIS_URI", "redis://:hunter2@127.0.0.1:6390"), "config", "show", "--set", "web.port=9000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"port\":9000"), r.out());
        assertTrue(r.out().contains("redis://:***@127.0.0.1:6390"), r.out());
        assertFalse(r.out().contains("hunter2"));
    }
}
