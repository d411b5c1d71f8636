package io.gorgon.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering rules, read from the main sources: roles talk only through queues (no role package names another),
 * the generic bus knows nothing of the mesh's protocol, the simulator is a client (protocol yes, roles no), and the
 * protocol depends on nothing but Gson and the JDK. Test sources may cross (they start whole meshes).
 */
class ImportRulesTest {
    static final List<String> ROLES = List.of("app", "auth", "notify", "provider", "stats", "store", "web");
    private static final Pattern ROLE_REF = Pattern.compile("io\\.gorgon\\.roles\\.(" + String.join("|", ROLES) + ")\\b");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)");

    private static final Path ROOT = root();

    @Test
    void noRolePackageNamesAnotherRole() {
        List<String> bad = new ArrayList<>();
        for (String role : ROLES) {
            for (Path f : sources(ROOT.resolve("roles/src/main/java/io/gorgon/roles/" + role))) {
                Matcher m = ROLE_REF.matcher(read(f));
                while (m.find()) if (!m.group(1).equals(role)) bad.add(ROOT.relativize(f) + " -> " + m.group());
            }
        }
        assertEquals(List.of(), bad, "a role reaches another only through queues (io.gorgon.protocol)");
    }

    @Test
    void busDoesNotKnowTheProtocol() {
        assertEquals(List.of(), referencing(ROOT.resolve("bus/src/main/java/io/gorgon/bus"), "io.gorgon.protocol"));
    }

    @Test
    void simulatorDoesNotUseRoleCode() {
        assertEquals(List.of(), referencing(ROOT.resolve("simulator/src/main/java"), "io.gorgon.roles"));
    }

    @Test
    void protocolDependsOnGsonAndTheJdkOnly() {
        List<String> bad = new ArrayList<>();
        for (Path f : sources(ROOT.resolve("bus/src/main/java/io/gorgon/protocol"))) {
            Matcher m = IMPORT.matcher(read(f));
            while (m.find()) {
                String imp = m.group(1);
                if (!(imp.startsWith("java.") || imp.startsWith("javax.crypto.") || imp.startsWith("com.google.gson."))) bad.add(ROOT.relativize(f) + " -> " + imp);
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void theRulesSeeViolations() {
        // Guards against a scan that passes because it read nothing or matches nothing.
        assertTrue(ROLE_REF.matcher("import io.gorgon.roles.store.StoreService;").find());
        assertTrue(ROLE_REF.matcher("x = new io.gorgon.roles.auth.TokenService(r)").find());
        assertTrue(!ROLE_REF.matcher("import io.gorgon.roles.storage.X;").find());
        assertTrue(sources(ROOT.resolve("roles/src/main/java/io/gorgon/roles/store")).size() > 3);
        assertTrue(sources(ROOT.resolve("bus/src/main/java/io/gorgon/protocol")).size() > 3);
        assertTrue(sources(ROOT.resolve("simulator/src/main/java")).size() > 3);
    }

    private static List<String> referencing(Path dir, String pkg) {
        List<String> bad = new ArrayList<>();
        for (Path f : sources(dir)) if (read(f).contains(pkg + ".")) bad.add(ROOT.relativize(f).toString());
        assertTrue(!sources(dir).isEmpty(), "no sources under " + dir);
        return bad;
    }

    private static List<Path> sources(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: surefire runs in roles/, an IDE may run in the root. */
    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("bus/src/main/java")) && Files.isDirectory(q.resolve("roles/src/main/java"))) return q;
        }
        throw new IllegalStateException("repository root not found above " + p);
    }
}
