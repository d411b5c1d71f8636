package io.gorgon.bus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import io.gorgon.bus.Failure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming envelope codec: exact round trips and one stable reason per kind of broken envelope. */
class EnvelopeCodecTest {

    @Test
    void roundTripsEveryFieldAndWritesTheDocumentedShape() throws Exception {
        Envelope e = new Envelope(1, "web-1.a", "item.create", "store", 1_700_000_000_123L, "ns:r:{web-1}", "web-1.b",
                1_700_000_005_000L, Map.of("principal", "42", "trace", "<&\"é>"),
                JsonParser.parseString("{\"title\":\"x\\\"y\",\"n\":1.5,\"none\":null,\"tags\":[\"a\",2]}"));
        String json = EnvelopeCodec.encode(e);
        assertEquals(e, EnvelopeCodec.decode(json));
        assertTrue(json.startsWith("{\"v\":1,\"id\":\"web-1.a\",\"type\":\"item.create\",\"queue\":\"store\",\"ts\":1700000000123,"
                + "\"replyTo\":\"ns:r:{web-1}\",\"corr\":\"web-1.b\",\"deadline\":1700000005000,\"headers\":{"), json);
        assertTrue(json.endsWith("\"body\":{\"title\":\"x\\\"y\",\"n\":1.5,\"none\":null,\"tags\":[\"a\",2]}}"), json);

        Envelope oneWay = new Envelope(1, "p.1", "t", "q", 5, null, null, 0, Map.of(), JsonNull.INSTANCE);
        assertEquals("{\"v\":1,\"id\":\"p.1\",\"type\":\"t\",\"queue\":\"q\",\"ts\":5,\"body\":null}", EnvelopeCodec.encode(oneWay));
        assertEquals(oneWay, EnvelopeCodec.decode(EnvelopeCodec.encode(oneWay)));
    }

    @Test
    void carriesTheMicrosecondsOfItsTimestampAndShrugsOffABadOne() throws Exception {
        Envelope e = new Envelope(1, "p.1", "t", "q", 5, null, null, 0, Map.of(), Body.of(JsonNull.INSTANCE), 123);
        String json = EnvelopeCodec.encode(e);
        assertEquals("{\"v\":1,\"id\":\"p.1\",\"type\":\"t\",\"queue\":\"q\",\"ts\":5,\"tu\":123,\"body\":null}", json);
        assertEquals(e, EnvelopeCodec.decodePlain(json));
        assertEquals(e, EnvelopeCodec.decodeChecked(json));
        assertEquals(5_123, e.sentMicros());
        for (String bad : new String[] {"1000", "-1", "1.5", "\"7\"", "null", "[]"}) {
            String text = json.replace("123", bad);
            assertEquals(0, EnvelopeCodec.decode(text).tsMicros(), text);
        }
    }

    @Test
    void readsHeaderNumbersAndBooleansAsTextIgnoresUnknownFieldsAndLastDuplicateWins() throws Exception {
        Envelope e = EnvelopeCodec.decode("{\"v\":1,\"id\":\"a\",\"id\":\"b\",\"type\":\"t\",\"queue\":\"q\",\"ts\":1,"
                + "\"future\":[1,{\"x\":2}],\"headers\":{\"n\":7,\"ok\":true},\"body\":{}}");
        assertEquals("b", e.id());
        assertEquals(Map.of("n", "7", "ok", "true"), e.headers());
    }

    /** The one-pass reader of written envelopes reads exactly what the checked reader reads, or leaves it to it. */
    @Test
    void thePlainReaderAgreesWithTheCheckedOneOrStandsAside() throws Exception {
        java.util.Random r = new java.util.Random(3);
        String alphabet = "{}[]:,\"\\ 0123456789.-eEtruenl";
        int plain = 0;
        for (int n = 0; n < 20_000; n++) {
            Map<String, String> headers = r.nextBoolean() ? Map.of() : Map.of("principal", Integer.toString(r.nextInt(99)), "x", r.nextBoolean() ? "a\"b" : "c");
            Envelope e = new Envelope(1, "i." + r.nextInt(9), "t", "q", r.nextInt(1000), r.nextBoolean() ? null : "r", r.nextBoolean() ? null : "c",
                    r.nextInt(3) == 0 ? 0 : r.nextInt(1000), headers, Body.of(JsonParser.parseString(r.nextBoolean() ? "{\"a\":[1,\"x\"]}" : "null")),
                    r.nextInt(3) == 0 ? 0 : r.nextInt(1000));
            StringBuilder s = new StringBuilder(EnvelopeCodec.encode(e));
            for (int k = r.nextInt(3) - 1; k >= 0; k--) { // most unchanged; some one or two characters off
                int at = r.nextInt(s.length());
                if (r.nextBoolean()) s.deleteCharAt(at);
                else s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String json = s.toString();
            Envelope fast = EnvelopeCodec.decodePlain(json);
            if (fast == null) continue;
            plain++;
            assertEquals(EnvelopeCodec.decodeChecked(json), fast, json);
        }
        assertTrue(plain > 5_000, "the plain reader took too few: " + plain);
    }

    @Test
    void brokenEnvelopesGetOneReasonEach() {
        String ok = "\"id\":\"i\",\"type\":\"t\",\"queue\":\"q\",\"ts\":1";
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{not json", "bad JSON"),
                Map.entry("{\"v\":1," + ok + ",\"body\":1} trailing", "bad JSON"),
                Map.entry("{\"v\":1," + ok + ",\"body\":{\"a\":", "bad JSON"),
                Map.entry("[1,2]", "envelope is not a JSON object"),
                Map.entry("", "envelope is not a JSON object"),
                Map.entry("{}", "missing field v"),
                Map.entry("{\"v\":\"1\"}", "field v must be a number"),
                Map.entry("{\"v\":99," + ok + ",\"body\":1}", "unknown envelope version 99"),
                Map.entry("{\"v\":1,\"id\":\"i\",\"queue\":\"q\",\"ts\":1,\"body\":1}", "missing field type"),
                Map.entry("{\"v\":1,\"id\":5,\"type\":\"t\",\"queue\":\"q\",\"ts\":1,\"body\":1}", "field id must be a string"),
                Map.entry("{\"v\":1," + ok + ",\"replyTo\":7,\"body\":1}", "field replyTo must be a string"),
                Map.entry("{\"v\":1," + ok + ",\"deadline\":null,\"body\":1}", "missing field deadline"),
                Map.entry("{\"v\":1," + ok + ",\"headers\":[1],\"body\":1}", "headers must be an object"),
                Map.entry("{\"v\":1," + ok + ",\"headers\":{\"a\":{}},\"body\":1}", "header a must be a string"),
                Map.entry("{\"v\":1," + ok + "}", "missing field body"));
        cases.forEach((json, reason) -> {
            var m = assertThrows(EnvelopeCodec.Malformed.class, () -> EnvelopeCodec.decode(json), json);
            assertTrue(m.getMessage().startsWith("malformed envelope: " + reason), json + " → " + m.getMessage());
        });
        var none = assertThrows(EnvelopeCodec.Malformed.class, () -> EnvelopeCodec.decode(null));
        assertEquals("malformed envelope: no envelope field", none.getMessage());
    }

    @Test
    void repliesRoundTripAndAFailureFromANewerPeerReadsAsHandlerFailed() throws Exception {
        var ok = EnvelopeCodec.decodeReply(EnvelopeCodec.okReply("c1", JsonParser.parseString("{\"a\":[1]}")));
        assertEquals("c1", ok.corr());
        assertEquals(JsonParser.parseString("{\"a\":[1]}"), ok.body());
        assertEquals(null, ok.failure());

        var failed = EnvelopeCodec.decodeReply(EnvelopeCodec.failureReply("c2", Failure.NO_CONSUMER, 503, "nobody"));
        assertEquals("c2", failed.corr());
        assertEquals(Failure.NO_CONSUMER, failed.failure().failure());
        assertEquals(503, failed.failure().code());
        assertEquals("nobody", failed.failure().getMessage());

        var newer = EnvelopeCodec.decodeReply("{\"corr\":\"c3\",\"ok\":false,\"failure\":\"FROM_THE_FUTURE\",\"code\":418,\"text\":null}");
        assertEquals(Failure.HANDLER_FAILED, newer.failure().failure());
        assertEquals(418, newer.failure().code());
        assertEquals("", newer.failure().getMessage());

        assertThrows(EnvelopeCodec.Malformed.class, () -> EnvelopeCodec.decodeReply("{nope"));
        assertThrows(EnvelopeCodec.Malformed.class, () -> EnvelopeCodec.decodeReply("[1]"));
    }
}
