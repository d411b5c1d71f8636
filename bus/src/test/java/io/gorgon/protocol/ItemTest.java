package io.gorgon.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An item's JSON text, written directly, is the text of its JSON tree: caches and events hold either. */
class ItemTest {

    @Test
    void jsonTextIsTheTreesTextForAnyCharacters() {
        Random r = new Random(11);
        for (int n = 0; n < 2_000; n++) {
            JsonObject extras = new JsonObject();
            if (r.nextInt(3) == 0) extras.addProperty("x" + text(r, 4), text(r, 12));
            if (r.nextInt(4) == 0) {
                JsonArray a = new JsonArray();
                a.add(r.nextDouble());
                a.add(text(r, 3));
                extras.add("tags", a);
            }
            Item item = new Item(1 + r.nextInt(1_000_000), 1 + r.nextInt(10_000), "t" + text(r, 20), text(r, 60),
                    r.nextBoolean() ? null : "https://example.org/" + text(r, 5), Math.abs(r.nextLong() % 2_000_000_000_000L) + 1,
                    r.nextBoolean() ? null : JsonParser.parseString("{\"type\":\"Point\",\"coordinates\":[1.5,-2]}"),
                    List.of(text(r, 6), text(r, 3)), extras, 1 + r.nextInt(5));
            assertEquals(item.toJson().toString(), item.toJsonText());
        }
    }

    @Test
    void aTextsUtf8LengthIsCountedAsEncodingItWould() {
        Random r = new Random(5);
        String chars = "aé€😀\ud800\udc00x";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(40); i > 0; i--) b.append(chars.charAt(r.nextInt(chars.length())));
            String s = b.toString();
            int bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            for (int max : new int[] {bytes - 1, bytes, bytes + 1, s.length() * 3, s.length()}) {
                assertEquals(bytes > max, UserInput.utf8LongerThan(s, max), s + " max " + max);
            }
        }
    }

    @Test
    void anItemReadBackIsTheItemWritten() {
        Item item = new Item(7, 9, "t", "b", "https://x.org", 5, null, List.of("k"), JsonParser.parseString("{\"e\":1}").getAsJsonObject(), 3);
        assertEquals(item, Item.fromJson(item.toJson()));
        JsonObject withUnderscoreId = item.toJson();
        withUnderscoreId.addProperty("_id", 7);
        assertEquals("_id", org.junit.jupiter.api.Assertions.assertThrows(InputException.class, () -> Item.fromJson(withUnderscoreId)).field());
    }

    /** Any char, weighted towards those JSON must escape. */
    private static String text(Random r, int max) {
        String special = "\"\\\t\b\n\r\f\u0000\u001f\u2028\u2029<>&='é😀";
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            int k = r.nextInt(4);
            if (k == 0) b.append(special.charAt(r.nextInt(special.length())));
            else if (k == 1) b.append((char) r.nextInt(0x20));
            else b.append((char) (' ' + r.nextInt(95)));
        }
        return b.toString();
    }
}
