package io.gorgon.bus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The body is kept as the text it arrived as, found without parsing; forwarded, it is the same text. */
class BodySpanTest {

    @Test
    void findsTheLastTopLevelBodyWhateverItHolds() {
        assertEquals("{\"a\":\"}\\\"{\",\"b\":[1,{\"body\":2}]}",
                BodySpan.find("{\"v\":1,\"body\":{\"a\":\"}\\\"{\",\"b\":[1,{\"body\":2}]},\"x\":\"body\"}"));
        assertEquals("-1.5e3", BodySpan.find("{ \"body\" : -1.5e3 }"));
        assertEquals("null", BodySpan.find("{\"body\":null}"));
        assertEquals("\"s\"", BodySpan.find("{\"body\":1,\"body\":\"s\"}"));
        assertNull(BodySpan.find("{\"x\":1}"));
        assertNull(BodySpan.find("{body:1}")); // lenient JSON: the decoder parses it instead
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
