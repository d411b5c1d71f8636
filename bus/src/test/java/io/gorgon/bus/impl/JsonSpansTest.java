package io.gorgon.bus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values found without parsing: strict JSON only; a body forwarded is the same text. */
class JsonSpansTest {

    @Test
    void findsTheLastTopLevelFieldWhateverItHolds() {
        assertEquals("{\"a\":\"}\\\"{\",\"b\":[1,{\"body\":2}]}",
                JsonSpans.field("{\"v\":1,\"body\":{\"a\":\"}\\\"{\",\"b\":[1,{\"body\":2}]},\"x\":\"body\"}", "body"));
        assertEquals("-1.5e3", JsonSpans.field("{ \"body\" : -1.5e3 }", "body"));
        assertEquals("null", JsonSpans.field("{\"body\":null}", "body"));
        assertEquals("\"s\"", JsonSpans.field("{\"body\":1,\"body\":\"s\"}", "body"));
        assertNull(JsonSpans.field("{\"x\":1}", "body"));
        assertNull(JsonSpans.field("{\"bodyx\":1}", "body"));
        assertNull(JsonSpans.field("{body:1}", "body")); // lenient JSON: the caller parses it instead
        assertNull(JsonSpans.field("{\"body\":1} x", "body"));
    }

    @Test
    void splitsAnArrayIntoItsElementsTexts() {
        assertEquals(List.of("{\"a\":[1,2]}", "\"x,]\"", "3"), JsonSpans.elements("[{\"a\":[1,2]}, \"x,]\" ,3]"));
        assertEquals(List.of(), JsonSpans.elements(" [ ] "));
        assertNull(JsonSpans.elements("[1,]"));
        assertNull(JsonSpans.elements("[1 2]"));
        assertNull(JsonSpans.elements("{\"a\":1}"));
    }

    @Test
    void acceptsStrictJsonOnly() {
        for (String ok : List.of("0", "-0.5e+10", "\"\\u00e9\\n\\/\"", "[]", "{}", " {\"a\" : [true,false,null,{\"b\":{}}]} ")) {
            assertTrue(JsonSpans.isValue(ok), ok);
        }
        for (String bad : List.of("", "01", "1.", ".5", "1e", "+1", "tru", "\"a", "\"\\x\"", "\"\\u12\"", "\"a\u0001\"",
                "{a:1}", "{\"a\"}", "{\"a\":1,}", "[1,]", "[", "{\"a\":1", "NaN", "'s'", "1 2", "[1]]")) {
            assertFalse(JsonSpans.isValue(bad), bad);
        }
    }

    /** Whatever the walker accepts, a strict JSON reader reads as one value: random texts near valid ones. */
    @Test
    void acceptsNothingAStrictReaderRefuses() {
        Random r = new Random(7);
        String alphabet = "{}[]:,\"\\ 0123456789.-+eEtruefalsn ubx";
        List<String> seeds = List.of("{\"a\":[1,2.5,-3e2],\"b\":{\"c\":\"d\\\"e\"},\"f\":null}", "[true,false,\"\\u0041\"]");
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
            for (int k = r.nextInt(3); k >= 0; k--) {
                int at = r.nextInt(s.length() + 1);
                if (r.nextBoolean() && at < s.length()) s.deleteCharAt(at);
                else s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String text = s.toString();
            if (!JsonSpans.isValue(text)) continue;
            accepted++;
            try (JsonReader reader = new JsonReader(new StringReader(text))) {
                reader.setStrictness(Strictness.STRICT);
                reader.skipValue();
                assertEquals(com.google.gson.stream.JsonToken.END_DOCUMENT, reader.peek(), text);
            } catch (Exception e) {
                throw new AssertionError("accepted what a strict reader refuses: " + text, e);
            }
        }
        assertTrue(accepted > 100, "too few accepted to mean anything: " + accepted);
    }

    @Test
    void aForwardedBodyIsTheTextThatArrivedAndStillParsesWhenRead() throws Exception {
        String body = "{\"uid\":\"42\",\"lim\":20,  \"n\":1.50}";
        Envelope in = EnvelopeCodec.decode("{\"v\":1,\"id\":\"i\",\"type\":\"t\",\"queue\":\"q\",\"ts\":1,\"body\":" + body + "}");
        assertEquals(body, in.body().raw());
        Envelope out = new Envelope(1, "j", "t", "q2", 2, null, null, 0, Map.of(), in.body());
        String json = EnvelopeCodec.encode(out);
        assertEquals("{\"v\":1,\"id\":\"j\",\"type\":\"t\",\"queue\":\"q2\",\"ts\":2,\"body\":" + body + "}", json);
        assertEquals(JsonParser.parseString(body), EnvelopeCodec.decode(json).body().json());
        assertEquals(JsonParser.parseString("{\"a\":1}"), EnvelopeCodec.decode(
                "{\"v\":1,\"id\":\"i\",\"type\":\"t\",\"queue\":\"q\",\"ts\":1,body:{a:1}}").body().json());
    }
}
