package io.gorgon.roles.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @TempDir Path tmp;

    private Path file(String json) throws IOException {
        Path f = tmp.resolve("gorgon.json");
        Files.writeString(f, json);
        return f;
    }

    private static String error(Path file, List<String> sets, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, sets, env)).getMessage();
    }

    private static String setError(String... sets) {
        return error(null, List.of(sets), Map.of());
    }

    @Test
    void defaultsMatchTheContract() {
        GorgonConfig c = GorgonConfig.defaults();
        assertEquals("gorgon", c.namespace());
        assertEquals("redis://127.0.0.1:6390", c.redis().uri());
        assertTrue(c.redis().embedded());
        assertEquals("everysec", c.redis().appendFsync());
        assertEquals("all", c.store().queues());
        assertEquals("mongodb://127.0.0.1:27117", c.mongo().uri());
        assertEquals(3000, c.bus().takeoverAfterMs());
        assertEquals(64, c.bus().concurrency());
        assertEquals(1, c.instances("web"));
        assertEquals(7, c.instances().size());
        assertEquals(8080, c.web().port());
        assertEquals(65536, c.web().maxBodyBytes());
        assertEquals(600000, c.auth().pbkdf2Iterations());
        assertEquals(List.of("random"), c.provider().plugins());
        assertEquals(8082, c.notifier().port());
        assertEquals(8081, c.stats().port());
        assertEquals("INFO", c.logs().level());
        assertTrue(Path.of(c.redis().dir()).isAbsolute(), "relative dirs are resolved: " + c.redis().dir());
    }

    @Test
    void fileOverridesOnlyTheKeysItNames() throws IOException {
        GorgonConfig c = ConfigLoader.load(file("{\"web\": {\"port\": 9090}, \"instances\": {\"store\": 3}}"), List.of(), Map.of());
        assertEquals(9090, c.web().port());
        assertEquals(65536, c.web().maxBodyBytes());
        assertEquals(3, c.instances("store"));
        assertEquals(1, c.instances("web"));
    }

    @Test
    void unknownKeysAreRejectedWithTheirPath() throws IOException {
        assertEquals("wbe: unknown key; known keys: namespace, redis, mongo, bus, instances, web, auth, store, provider, notify, stats, logs, app, http, host",
                error(file("{\"wbe\": {}}"), List.of(), Map.of()));
        assertTrue(error(file("{\"web\": {\"prot\": 1}}"), List.of(), Map.of()).startsWith("web.prot: unknown key in web; known keys: port, maxBodyBytes"));
        assertEquals("instances.mailer: unknown role; roles are web, auth, app, store, provider, notify, stats",
                error(file("{\"instances\": {\"mailer\": 1}}"), List.of(), Map.of()));
        assertTrue(setError("redis.pass=x").startsWith("redis.pass: unknown key in redis"));
    }

    @Test
    void wrongTypesAreRejected() throws IOException {
        assertEquals("web.port: must be an integer, got \"80\"", error(file("{\"web\": {\"port\": \"80\"}}"), List.of(), Map.of()));
        assertEquals("web: must be an object, got 80", error(file("{\"web\": 80}"), List.of(), Map.of()));
        assertEquals("redis.embedded: must be true or false, got \"yes\"", setError("redis.embedded=yes"));
        assertEquals("bus.concurrency: must be an integer, got 1.5", setError("bus.concurrency=1.5"));
        assertEquals("provider.plugins: must be a list of strings, got \"random\"", error(file("{\"provider\": {\"plugins\": \"random\"}}"), List.of(), Map.of()));
        assertEquals("namespace: must be a string, got 5", error(file("{\"namespace\": 5}"), List.of(), Map.of()));
    }

    @Test
    void valuesOutOfRangeAreRejected() {
        assertEquals("web.port: must be 0..65535, got 70000", setError("web.port=70000"));
        assertEquals("instances.store: must be 0..64, got -1", setError("instances.store=-1"));
        assertEquals("bus.maxDeliveries: must be 1..1000, got 0", setError("bus.maxDeliveries=0"));
        assertEquals("redis.appendFsync: must be one of always|everysec|no, got \"sometimes\"", setError("redis.appendFsync=sometimes"));
        assertEquals("store.queues: must be one of all|reads|writes, got \"both\"", setError("store.queues=both"));
        assertEquals("redis.uri: must start with redis:// or rediss://, got \"http://127.0.0.1:6390\"", setError("redis.uri=http://127.0.0.1:6390"));
        assertTrue(setError("mongo.uri=postgres://x").startsWith("mongo.uri: "), setError("mongo.uri=postgres://x"));
        assertEquals("stats.port: port 8080 is already used by web.port", setError("stats.port=8080"));
        assertTrue(setError("redis.uri=rediss://:pw@cache.example.com:6380").startsWith("redis.uri: an embedded redis speaks plain redis://"));
        assertTrue(setError("namespace=a b").startsWith("namespace: must be 1-64 letters"));
    }

    @Test
    void externalServersMayBeRemoteAndTls() {
        GorgonConfig c = ConfigLoader.load(null, List.of("redis.embedded=false", "redis.uri=rediss://:s3cret@cache.example.com:6380",
                "mongo.embedded=false", "mongo.uri=mongodb://db1:27017,db2:27017/?replicaSet=rs0"), Map.of());
        assertEquals("rediss://:s3cret@cache.example.com:6380", c.redis().uri());
        assertFalse(c.toRedactedJson().contains("s3cret"));
        assertTrue(c.toRedactedJson().contains("rediss://:***@cache.example.com:6380"));
    }

    @Test
    void theDocumentInRedisHoldsNoSecretsAndEachProcessKeepsItsOwn() {
        // Issue 12 #8: the whole config, passwords included, was written to <ns>:config in Redis.
        GorgonConfig c = ConfigLoader.load(null, List.of("redis.embedded=false", "redis.uri=rediss://:s3cret@cache.example.com:6380",
                "mongo.embedded=false", "mongo.uri=mongodb://app:m0ngopw@db1:27017/?replicaSet=rs0", "web.port=9090"), Map.of());
        String inRedis = c.toRedactedJson();
        assertFalse(inRedis.contains("s3cret") || inRedis.contains("m0ngopw"), inRedis);
        GorgonConfig reloaded = GorgonConfig.parse(inRedis).withConnectionsFrom(c);
        assertEquals(c, reloaded, "a reload sees the document's settings with this host's own connections");
        assertEquals(9090, reloaded.web().port());
    }

    @Test
    void environmentOverridesTheFileAndSetOverridesTheEnvironment() throws IOException {
        Path f = file("{\"namespace\": \"fromfile\", \"web\": {\"port\": 9000}}");
        Map<String, String> env = Map.of("GORGON_NAMESPACE", "fromenv", "GORGON_REDIS_URI", "redis://127.0.0.1:7000",
                "GORGON_SET_WEB_MAXBODYBYTES", "1024", "GORGON_SET_stats_port", "9001", "UNRELATED", "x");
        GorgonConfig c = ConfigLoader.load(f, List.of(), env);
        assertEquals("fromenv", c.namespace());
        assertEquals("redis://127.0.0.1:7000", c.redis().uri());
        assertEquals(9000, c.web().port());
        assertEquals(1024, c.web().maxBodyBytes());
        assertEquals(9001, c.stats().port());
        assertEquals("fromset", ConfigLoader.load(f, List.of("namespace=fromset"), env).namespace());
        assertEquals("web.port: must be 0..65535, got 99999", error(f, List.of(), Map.of("GORGON_SET_WEB_PORT", "99999")));
        assertTrue(error(f, List.of(), Map.of("GORGON_SET_WEB_NOPE", "1")).startsWith("web.NOPE: unknown key"));
    }

    @Test
    void setParsesJsonScalarsAndListsAndKeepsTextForStrings() {
        GorgonConfig c = ConfigLoader.load(null, List.of("web.port=8090", "redis.embedded=true", "namespace=123",
                "provider.plugins=[\"random\",\"rss\"]", "provider.ratePerSecond=2.5", "logs.level=debug", "logs.dir=/var/log/g"), Map.of());
        assertEquals(8090, c.web().port());
        assertEquals("123", c.namespace());
        assertEquals(List.of("random", "rss"), c.provider().plugins());
        assertEquals(2.5, c.provider().ratePerSecond());
        assertEquals("DEBUG", c.logs().level());
        assertEquals("/var/log/g", c.logs().dir());
        assertEquals("--set web.port: expected key.path=value, e.g. web.port=8090", setError("web.port"));
        assertEquals("web.port: must be an integer, got \"eighty\"", setError("web.port=eighty"));
        assertTrue(setError("web=1").startsWith("web: is a section; set one of its keys: port, maxBodyBytes"));
    }

    @Test
    void badFilesAreOneLineErrors() throws IOException {
        assertEquals(tmp.resolve("missing.json") + ": no such file", error(tmp.resolve("missing.json"), List.of(), Map.of()));
        String invalid = error(file("{\"web\": {\"port\": 80,}"), List.of(), Map.of());
        assertTrue(invalid.startsWith(tmp.resolve("gorgon.json") + ": invalid JSON: "), invalid);
        assertFalse(invalid.contains("\n"), invalid);
        assertTrue(error(file("[1]"), List.of(), Map.of()).endsWith(": must be a JSON object, got [1]"));
    }

    @Test
    void relativeDirsResolveAgainstGorgonHome() {
        GorgonConfig c = ConfigLoader.load(null, List.of(), Map.of("GORGON_HOME", "/opt/gorgon"));
        assertEquals("/opt/gorgon/data/redis", c.redis().dir());
        assertEquals("/opt/gorgon/data/logs", c.logs().dir());
    }

    @Test
    void effectiveDocumentRoundTrips() {
        GorgonConfig c = ConfigLoader.load(null, List.of("instances.web=3", "provider.plugins=[\"a\"]", "web.port=0"), Map.of());
        assertEquals(c, GorgonConfig.parse(c.toJson()));
        assertEquals(9, c.with("web.port=9").web().port());
        assertThrows(ConfigException.class, () -> GorgonConfig.parse("{\"web\": {\"port\": -1}}"));
    }
}
