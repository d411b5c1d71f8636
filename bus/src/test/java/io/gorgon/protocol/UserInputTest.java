package io.gorgon.protocol;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UserInputTest {
    private static JsonObject obj(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    private static InputException rejected(String json) {
        return assertThrows(InputException.class, () -> UserInput.item(obj(json)));
    }

    @Test
    void validItemKeepsFieldsAndExtras() {
        ItemInput in = UserInput.item(obj("""
                {"title":"hi","body":"text","url":"https://example.org/a?b=c","ts":1767225600000,
                 "keywords":["a","b"],"location":{"lat":51.5,"lon":-0.12},"mood":{"score":3,"tags":["x"]}}"""));
        assertEquals("hi", in.title());
        assertEquals("text", in.body());
        assertEquals("https://example.org/a?b=c", in.url());
        assertEquals(1767225600000L, in.ts());
        assertEquals(List.of("a", "b"), in.keywords());
        assertEquals(51.5, in.location().getAsJsonObject().get("lat").getAsDouble());
        assertEquals(obj("{\"mood\":{\"score\":3,\"tags\":[\"x\"]}}"), in.extras());
    }

    @Test
    void optionalFieldsDefault() {
        ItemInput in = UserInput.item(obj("{\"title\":\"t\",\"url\":null,\"location\":\"Brisbane\"}"));
        assertEquals("", in.body());
        assertNull(in.url());
        assertNull(in.ts());
        assertEquals(List.of(), in.keywords());
        assertEquals("Brisbane", in.location().getAsString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"title":"t","$where":"1"}                          | $where
            {"title":"t","meta":{"$gt":1}}                      | meta.$gt
            {"title":"t","meta":[{"a":{"b.c":1}}]}              | meta[0].a.b.c
            {"title":"t","a.b":1}                               | a.b
            {"title":"t","_secret":1}                           | _secret
            {"title":"t","id":"5"}                              | id
            {"title":"t","userid":"5"}                          | userid
            """)
    void operatorAndReservedKeysAreRejectedAtAnyDepth(String json, String field) {
        assertEquals(field, rejected(json).field());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                    | title: required string
            {"title":5}                           | title: must be a string
            {"title":"  "}                        | title: must not be blank
            {"title":"t","keywords":"a"}          | keywords: must be an array of strings
            {"title":"t","keywords":[1]}          | keywords: must be an array of strings
            {"title":"t","url":"ftp://x.org/f"}   | url: must be an http(s) URL
            {"title":"t","url":"javascript:alert(1)"} | url: must be an http(s) URL
            {"title":"t","ts":-5}                 | ts: must be a positive integer
            {"title":"t","ts":1.5}                | ts: must be a positive integer
            {"title":"t","location":{"lat":91,"lon":0}}  | location.lat: must be a number in -90..90
            {"title":"t","location":{"lat":1,"lon":"x"}} | location.lon: must be a number in -180..180
            {"title":"t","location":{"lat":1}}    | location: must be a place name or {"lat": number, "lon": number}
            {"title":"t","location":[1,2]}        | location: must be a place name or {"lat": number, "lon": number}
            """)
    void clearMessages(String json, String message) {
        assertEquals(message, rejected(json).getMessage());
    }

    @Test
    void sizeLimits() {
        assertEquals("title: longer than 200 chars", rejected("{\"title\":\"" + "x".repeat(201) + "\"}").getMessage());
        UserInput.item(obj("{\"title\":\"" + "é".repeat(200) + "\"}"));
        // 16 KiB is measured in UTF-8 bytes: 8193 two-byte chars are over it.
        assertEquals("body: longer than 16384 bytes", rejected("{\"title\":\"t\",\"body\":\"" + "é".repeat(8193) + "\"}").getMessage());
        UserInput.item(obj("{\"title\":\"t\",\"body\":\"" + "x".repeat(16384) + "\"}"));
        String many = "[" + "\"k\",".repeat(32) + "\"k\"]";
        assertEquals("keywords: more than 32 entries", rejected("{\"title\":\"t\",\"keywords\":" + many + "}").getMessage());
        assertEquals("keywords: entries longer than 64 chars", rejected("{\"title\":\"t\",\"keywords\":[\"" + "k".repeat(65) + "\"]}").getMessage());
        assertEquals("url: longer than 2048 chars", rejected("{\"title\":\"t\",\"url\":\"https://x.org/" + "a".repeat(2040) + "\"}").getMessage());
        assertEquals("extras", rejected("{\"title\":\"t\",\"big\":\"" + "x".repeat(9000) + "\"}").field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e10000", "-1e400", "1" + "0000000000" + "0000000000" + "0000000000" + "0000000000"})
    void numbersTheStoreCannotHoldAreRejectedAtAnyDepth(String n) {
        assertEquals("n", rejected("{\"title\":\"t\",\"n\":" + n + "}").field());
        assertEquals("deep.a[1]", rejected("{\"title\":\"t\",\"deep\":{\"a\":[1," + n + "]}}").field());
        assertEquals("n", assertThrows(InputException.class, () -> UserInput.object("{\"n\":" + n + "}")).field());
    }

    @Test
    void ordinaryNumbersPass() {
        UserInput.item(obj("{\"title\":\"t\",\"a\":9223372036854775807,\"b\":-1.5e300,\"c\":1e-400,\"d\":0}"));
    }

    @Test
    void deepNestingIsRejected() {
        String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
        assertThrows(InputException.class, () -> UserInput.object("{\"title\":\"t\",\"x\":" + deep + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "[1]", "{\"a\":1} {\"b\":2}", "{bad json", "{\"a\":1,}"})
    void bodyMustBeOneJsonObject(String text) {
        assertEquals("body", assertThrows(InputException.class, () -> UserInput.object(text)).field());
    }

    @Test
    void objectChecksKeys() {
        assertEquals("q.$ne", assertThrows(InputException.class, () -> UserInput.object("{\"q\":{\"$ne\":1}}")).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "", "99999999999999999999", "9223372036854775808", " 1"})
    void badIds(String text) {
        assertEquals("id: must be a positive integer", assertThrows(InputException.class, () -> UserInput.id("id", text)).getMessage());
    }

    @Test
    void goodIds() {
        assertEquals(1L, UserInput.id("id", "1"));
        assertEquals(Long.MAX_VALUE, UserInput.id("id", "9223372036854775807"));
        assertEquals(42L, UserInput.id(obj("{\"id\":\"42\"}"), "id"));
        assertEquals(42L, UserInput.id(obj("{\"id\":42}"), "id"));
    }

    @Test
    void registrationNormalisesEmail() {
        UserInput.Registration r = UserInput.registration(obj("{\"name\":\" Ann \",\"email\":\" Ann@Example.ORG \",\"password\":\"correct horse\"}"));
        assertEquals("Ann", r.name());
        assertEquals("ann@example.org", r.email());
        assertEquals("password: must be at least 8 chars", assertThrows(InputException.class,
                () -> UserInput.registration(obj("{\"name\":\"a\",\"email\":\"a@b.co\",\"password\":\"short\"}"))).getMessage());
        assertEquals("email: must be an email address", assertThrows(InputException.class,
                () -> UserInput.credentials(obj("{\"email\":\"nope\",\"password\":\"x\"}"))).getMessage());
    }

    @Test
    void intParams() {
        assertEquals(20, UserInput.intParam("lim", null, 20, 1, 100));
        assertEquals(5, UserInput.intParam("lim", "5", 20, 1, 100));
        assertEquals("lim: must be an integer in 1..100", assertThrows(InputException.class, () -> UserInput.intParam("lim", "101", 20, 1, 100)).getMessage());
        assertThrows(InputException.class, () -> UserInput.intParam("off", "x", 0, 0, 10));
    }

    @Test
    void infoPageHasOneRule() {
        assertEquals(new UserInput.Page(20, 0), UserInput.page(null, ""));
        assertEquals(new UserInput.Page(100, 100_000), UserInput.page("100", "100000"));
        assertEquals("lim: must be an integer in 1..100", assertThrows(InputException.class, () -> UserInput.page("0", null)).getMessage());
        assertEquals("off: must be an integer in 0..100000", assertThrows(InputException.class, () -> UserInput.page(null, "-1")).getMessage());
    }
}
