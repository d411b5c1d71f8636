package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsSnapshotJsonTest {

    @Test
    void roundTripsWithARealHistogram() {
        Histogram h = new Histogram(3);
        for (long v : new long[]{90, 100, 101, 2_500, 2_500, 48_000, 9_000_000}) h.recordValue(v);
        MetricsSnapshot s = new MetricsSnapshot("web-7f3a", "web", "h1", 123, 1_763_800_000_000L,
                Map.of("auth_get", new MetricsSnapshot.QueueCounters(12, 11, 0, 1, 0)),
                Map.of("http", MetricsSnapshot.encode(h)));

        String json = s.toJson();
        MetricsSnapshot back = MetricsSnapshot.fromJson(json);

        assertEquals(s, back);
        assertEquals(json, back.toJson());
        Histogram decoded = back.histogram("http");
        assertEquals(h.getTotalCount(), decoded.getTotalCount());
        assertEquals(h.getMaxValue(), decoded.getMaxValue());
        assertEquals(h.getValueAtPercentile(50), decoded.getValueAtPercentile(50));
        assertEquals(h, decoded);
        assertNull(back.histogram("queue:none"));
    }

    @Test
    void parsesTheContractExample() {
        String json = """
                {"instance":"web-7f3a","role":"web","host":"h1","pid":123,"ts":1763800000000,
                 "queues":{"auth_get":{"sent":12,"processed":11,"failed":0,"redelivered":1,"deadLettered":0}},
                 "latency":{}}""";
        MetricsSnapshot s = MetricsSnapshot.fromJson(json);
        assertEquals("web-7f3a", s.instance());
        assertEquals(1_763_800_000_000L, s.ts());
        assertEquals(new MetricsSnapshot.QueueCounters(12, 11, 0, 1, 0), s.queues().get("auth_get"));
    }

    @Test
    void truncatesTsToTheSecond() {
        assertEquals(1_763_800_000_000L, MetricsSnapshot.fromJson("{\"instance\":\"a\",\"role\":\"web\",\"ts\":1763800000999}").ts());
    }

    @Test
    void rejectsBadInputWithAClearMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsSnapshot.fromJson("not json {"))
                .getMessage().startsWith("metrics snapshot:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsSnapshot.fromJson("[1]"))
                .getMessage().contains("JSON object"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsSnapshot.fromJson("{\"role\":\"web\",\"ts\":1}"))
                .getMessage().contains("instance"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MetricsSnapshot.fromJson("{\"instance\":\"a\",\"role\":\"web\",\"ts\":\"soon\"}")).getMessage().contains("type"));
        MetricsSnapshot badHistogram = MetricsSnapshot.fromJson(
                "{\"instance\":\"a\",\"role\":\"web\",\"ts\":1000,\"latency\":{\"http\":\"AAAA\"}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> badHistogram.histogram("http"))
                .getMessage().contains("latency.http"));
    }
}
