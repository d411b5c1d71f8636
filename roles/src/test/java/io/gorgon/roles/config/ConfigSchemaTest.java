package io.gorgon.roles.config;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The records are the schema: the document, the known keys and the rules all follow them. */
class ConfigSchemaTest {
    private static String setError(String... sets) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of(sets), Map.of())).getMessage();
    }

    @Test
    void theDocumentHasExactlyTheRecordComponentsAsKeys() {
        JsonObject doc = GorgonConfig.defaults().toJsonTree();
        assertEquals(List.of("namespace", "redis", "mongo", "bus", "instances", "web", "auth", "store", "provider",
                "notify", "stats", "logs", "app", "http", "host"), List.copyOf(doc.keySet()), "notifier is written as notify");
        for (RecordComponent section : GorgonConfig.class.getRecordComponents()) {
            if (!section.getType().isRecord()) continue;
            String key = section.getName().equals("notifier") ? "notify" : section.getName();
            List<String> components = Arrays.stream(section.getType().getRecordComponents()).map(RecordComponent::getName).toList();
            if (key.equals("app")) continue; // its one component, routes, is a map
            assertEquals(components, List.copyOf(doc.getAsJsonObject(key).keySet()), key);
        }
    }

    @Test
    void everyRuleNamesAnExistingKeyAndTheDefaultsPassEveryRule() {
        JsonObject defaults = ConfigLoader.defaultsTree();
        for (ConfigRules.Rule rule : ConfigRules.RULES) {
            JsonObject node = defaults;
            String[] segments = rule.path().split("\\.");
            for (int i = 0; i < segments.length - 1; i++) {
                assertTrue(node.has(segments[i]) && node.get(segments[i]).isJsonObject(), "rule " + rule.path());
                node = node.getAsJsonObject(segments[i]);
            }
            String last = segments[segments.length - 1];
            assertTrue(last.equals("*") || node.has(last), "rule for a key that does not exist: " + rule.path());
        }
        ConfigRules.check(defaults);
    }

    @Test
    void instanceCountsCoverExactlyTheRoles() {
        assertEquals(Set.copyOf(GorgonConfig.ROLES), GorgonConfig.defaults().instances().keySet());
    }

    @Test
    void numbersBeyondTheJavaTypeGetTheRangeOfTheirRule() {
        assertEquals("web.port: must be 0..65535, got 99999999999", setError("web.port=99999999999"));
        assertEquals("provider.limit: must be 0..9223372036854775807, got 1e30", setError("provider.limit=1e30"));
        assertEquals("bus.heartbeatMs: must be an integer, got 1.5", setError("bus.heartbeatMs=1.5"));
    }

    @Test
    void leniencyOfGsonIsNotLetThrough() {
        assertEquals("redis.embedded: must be true or false, got \"1\"", setError("redis.embedded=\"1\""));
        assertEquals("provider.ackLog: must be a string, got 5",
                assertThrows(ConfigException.class, () -> GorgonConfig.parse("{\"provider\": {\"ackLog\": 5}}")).getMessage());
        assertEquals("instances.web: must be an integer, got \"1\"", setError("instances.web=\"1\""));
        assertEquals("provider.plugins: must be a list of non-empty strings, got [\"\"]", setError("provider.plugins=[\"\"]"));
        assertEquals("logs.level: must be one of TRACE|DEBUG|INFO|WARN|ERROR, got \"verbose\"", setError("logs.level=verbose"));
    }

    @Test
    void errorsDoNotShowPasswords() {
        String e = setError("redis.uri=http://:hunter2@127.0.0.1:6390");
        assertEquals("redis.uri: must start with redis:// or rediss://, got \"http://:***@127.0.0.1:6390\"", e);
        assertTrue(setError("redis.uri=redis://:hunter2@10.0.0.1:6390").endsWith("got host 10.0.0.1 (or set redis.embedded=false)"));
    }
}
