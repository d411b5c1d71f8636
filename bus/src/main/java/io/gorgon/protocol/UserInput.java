package io.gorgon.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of every piece of user-supplied JSON before it goes anywhere else. All failures are one
 * {@link InputException} naming the field. The rule that matters most: no key starting with {@code $} or containing
 * {@code .} at any depth, so nothing a user sends can ever reach MongoDB as an operator or a path.
 *
 * <p>Item fields: {@code title} required string ≤ 200 chars; {@code body} optional string ≤ 16 KiB UTF-8 (default
 * ""); {@code url} optional http(s) URL ≤ 2 KiB; {@code ts} optional positive integer (ms epoch); {@code keywords}
 * optional array of ≤ 32 non-empty strings ≤ 64 chars; {@code location} optional, either a place name (string ≤ 200
 * chars) or a point {@code {"lat": -90..90, "lon": -180..180}} (numbers, nothing else in the object). {@code id},
 * {@code _id}, {@code userid} and {@code version} are assigned by the server and rejected, as is any other top-level key starting
 * with {@code _} (reserved for the store). Any other key is an extra field, kept as
 * given, up to 8 KiB of JSON in total and nesting depth 16.
 */
public final class UserInput {
    public static final int TITLE_MAX_CHARS = 200;
    public static final int BODY_MAX_BYTES = 16 * 1024;
    public static final int KEYWORDS_MAX = 32;
    public static final int KEYWORD_MAX_CHARS = 64;
    public static final int URL_MAX_CHARS = 2 * 1024;
    public static final int PLACE_MAX_CHARS = 200;
    public static final int EXTRAS_MAX_BYTES = 8 * 1024;
    public static final int MAX_DEPTH = 16;
    public static final int KEY_MAX_CHARS = 128;
    public static final int NAME_MAX_CHARS = 100;
    public static final int EMAIL_MAX_CHARS = 254;
    public static final int PASSWORD_MIN_CHARS = 8;
    public static final int PASSWORD_MAX_CHARS = 1024;
    /** The longest number literal accepted: ample for any long or double, bounded so parsing stays trivial. */
    public static final int NUMBER_MAX_CHARS = 40;
    /** A page of a user's items ({@code GET /info/{uid}?lim&off}): lim 1..100, default 20; off 0..100,000. */
    public static final int PAGE_DEFAULT = 20;
    public static final int PAGE_MAX = 100;
    public static final int OFFSET_MAX = 100_000;

    private static final Set<String> ITEM_FIELDS = Set.of("title", "body", "url", "ts", "location", "keywords");
    private static final Set<String> SERVER_FIELDS = Set.of("id", "_id", "userid", "version");
    /** The server's fields an item's whole JSON form carries. */
    private static final Set<String> STORED_FIELDS = Set.of("id", "userid", "version");
    // Deliberately loose: one @, no spaces, a dot in the domain. Real proof of an address is a mail, not a regex.
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern DIGITS = Pattern.compile("^[0-9]{1,19}$");

    private UserInput() {}

    /** Credentials for registration: email lower-cased and trimmed. */
    public record Registration(String name, String email, String password) {
        @Override
        public String toString() {
            return "Registration[name=" + name + ", email=" + email + ", password=***]";
        }
    }

    /** Credentials for login: email lower-cased and trimmed. */
    public record Credentials(String email, String password) {
        @Override
        public String toString() {
            return "Credentials[email=" + email + ", password=***]";
        }
    }

    /** Parses a request body that must be one JSON object, and checks its keys at every depth. */
    public static JsonObject object(String text) {
        if (text == null || text.isBlank()) throw new InputException("body", "must be a JSON object");
        JsonElement e;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new InputException("body", "must be a single JSON object");
            }
        } catch (JsonParseException | java.io.IOException | IllegalStateException ex) {
            throw new InputException("body", "is not valid JSON");
        } catch (StackOverflowError ex) {
            throw new InputException("body", "is nested too deeply");
        }
        if (!e.isJsonObject()) throw new InputException("body", "must be a JSON object");
        checkKeys(e);
        return e.getAsJsonObject();
    }

    /**
     * Rejects any object key starting with {@code $}, containing {@code .} or NUL, empty, or longer than 128 chars,
     * at any depth, nesting deeper than {@link #MAX_DEPTH}, and any number the store could not hold (see
     * {@link #NUMBER_MAX_CHARS}).
     */
    public static void checkKeys(JsonElement e) {
        checkKeys(e, "", 0);
    }

    private static void checkKeys(JsonElement e, String path, int depth) {
        if (depth > MAX_DEPTH) throw new InputException(path.isEmpty() ? "body" : path, "nested deeper than " + MAX_DEPTH);
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                String key = m.getKey();
                String at = path.isEmpty() ? key : path + "." + key;
                if (key.isEmpty() || key.startsWith("$") || key.indexOf('.') >= 0 || key.indexOf('\0') >= 0) {
                    throw new InputException(at, "keys may not be empty, start with '$' or contain '.'");
                }
                if (key.length() > KEY_MAX_CHARS) throw new InputException(at.substring(0, Math.min(at.length(), 40)) + "…", "key longer than " + KEY_MAX_CHARS + " chars");
                checkKeys(m.getValue(), at, depth + 1);
            }
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) checkKeys(a.get(i), path + "[" + i + "]", depth + 1);
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            checkNumber(path.isEmpty() ? "body" : path, e.getAsJsonPrimitive());
        }
    }

    /**
     * A number must be what BSON holds: a finite double (an integer beyond 64 bits is kept as a double). Its text is
     * bounded first, so a thousand-digit literal costs nothing to refuse; {@code 1e10000} overflows to infinity and is
     * refused here, at the edge, instead of failing the store's write after being accepted.
     */
    private static void checkNumber(String field, JsonPrimitive p) {
        String text = p.getAsString();
        boolean ok = text.length() <= NUMBER_MAX_CHARS;
        if (ok) {
            try {
                ok = Double.isFinite(Double.parseDouble(text));
            } catch (NumberFormatException notANumber) {
                ok = false;
            }
        }
        if (!ok) throw new InputException(field, "number out of range (a finite 64-bit floating point value of at most " + NUMBER_MAX_CHARS + " chars)");
    }

    /** The fields of a new item; see the class comment for the rules. */
    public static ItemInput item(JsonObject o) {
        return item(o, false);
    }

    /**
     * @param stored {@code o} is an item's whole JSON form ({@link Item#fromJson}): the server's id, userid and version
     *               are in it, skipped here rather than refused
     */
    static ItemInput item(JsonObject o, boolean stored) {
        checkKeys(o);
        for (String f : SERVER_FIELDS) {
            if (o.has(f) && !(stored && STORED_FIELDS.contains(f))) throw new InputException(f, "is assigned by the server");
        }
        for (String key : o.keySet()) {
            // '_'-prefixed top-level fields are the store's own bookkeeping (e.g. its delete tombstone).
            if (key.startsWith("_")) throw new InputException(key, "keys starting with '_' are reserved");
        }
        String title = requiredString(o, "title", TITLE_MAX_CHARS);
        if (title.isBlank()) throw new InputException("title", "must not be blank");
        String body = optionalString(o, "body", Integer.MAX_VALUE);
        if (body == null) body = "";
        if (utf8LongerThan(body, BODY_MAX_BYTES)) {
            throw new InputException("body", "longer than " + BODY_MAX_BYTES + " bytes");
        }
        String url = url(o, "url");
        Long ts = o.has("ts") && !o.get("ts").isJsonNull() ? positiveLong("ts", o.get("ts")) : null;
        List<String> keywords = stringArray(o, "keywords", KEYWORDS_MAX, KEYWORD_MAX_CHARS);
        JsonElement location = location(o, "location");
        JsonObject extras = new JsonObject();
        for (Map.Entry<String, JsonElement> m : o.entrySet()) {
            if (!ITEM_FIELDS.contains(m.getKey()) && !(stored && STORED_FIELDS.contains(m.getKey()))) extras.add(m.getKey(), m.getValue().deepCopy());
        }
        if (!extras.isEmpty() && utf8LongerThan(extras.toString(), EXTRAS_MAX_BYTES)) {
            throw new InputException("extras", "extra fields longer than " + EXTRAS_MAX_BYTES + " bytes of JSON");
        }
        return new ItemInput(title, body, url, ts, location, keywords, extras);
    }

    /** Whether {@code s} takes more than {@code max} bytes in UTF-8, without encoding it. */
    static boolean utf8LongerThan(String s, int max) {
        if (s.length() > max) return true; // at least a byte a char
        if ((long) s.length() * 3 <= max) return false; // at most three bytes a char (a surrogate pair: four for two)
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) bytes++;
            else if (c < 0x800) bytes += 2;
            else if (!Character.isSurrogate(c)) bytes += 3;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else bytes++; // a lone surrogate is encoded as '?'
        }
        return bytes > max;
    }

    public static Registration registration(JsonObject o) {
        checkKeys(o);
        String name = requiredString(o, "name", NAME_MAX_CHARS).strip();
        if (name.isEmpty()) throw new InputException("name", "must not be blank");
        return new Registration(name, email(o, "email"), password(o, "password"));
    }

    public static Credentials credentials(JsonObject o) {
        checkKeys(o);
        String email = email(o, "email");
        String password = requiredString(o, "password", PASSWORD_MAX_CHARS);
        return new Credentials(email, password);
    }

    /** Normalises an email address: trimmed, lower-cased, loosely checked. */
    public static String email(String field, String text) {
        if (text == null) throw new InputException(field, "required string");
        String e = text.strip().toLowerCase(Locale.ROOT);
        if (e.length() > EMAIL_MAX_CHARS) throw new InputException(field, "longer than " + EMAIL_MAX_CHARS + " chars");
        if (!EMAIL.matcher(e).matches()) throw new InputException(field, "must be an email address");
        return e;
    }

    private static String email(JsonObject o, String field) {
        return email(field, requiredString(o, field, EMAIL_MAX_CHARS + 64));
    }

    /** {@code POST /auth/password}: the current password (any non-empty string) and a new one (the registration rule). */
    public record PasswordChange(String oldPassword, String newPassword) {
        @Override
        public String toString() {
            return "PasswordChange[***]";
        }
    }

    public static PasswordChange passwordChange(JsonObject o) {
        checkKeys(o);
        return new PasswordChange(requiredString(o, "oldPassword", PASSWORD_MAX_CHARS), password(o, "newPassword"));
    }

    private static String password(JsonObject o, String field) {
        String p = requiredString(o, field, PASSWORD_MAX_CHARS);
        if (p.codePointCount(0, p.length()) < PASSWORD_MIN_CHARS) {
            throw new InputException(field, "must be at least " + PASSWORD_MIN_CHARS + " chars");
        }
        return p;
    }

    /** An id given as text (a path segment, a query parameter): a positive 63-bit integer in decimal. */
    public static long id(String field, String text) {
        if (text == null || !DIGITS.matcher(text).matches()) throw new InputException(field, "must be a positive integer");
        try {
            long v = Long.parseLong(text);
            if (v <= 0) throw new InputException(field, "must be a positive integer");
            return v;
        } catch (NumberFormatException overflow) {
            throw new InputException(field, "must be a positive integer");
        }
    }

    /** An id inside a JSON body: a decimal string as Gorgon renders ids, or (leniently) an integral number. */
    public static long id(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) throw new InputException(field, "required, a positive integer");
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) return id(field, e.getAsString());
        return positiveLong(field, e);
    }

    /** A keyword to search by (a path segment): 1..64 characters, not blank, no control characters. */
    public static String keyword(String field, String text) {
        if (text == null || text.isBlank()) throw new InputException(field, "required, 1.." + KEYWORD_MAX_CHARS + " characters");
        if (text.length() > KEYWORD_MAX_CHARS) throw new InputException(field, "longer than " + KEYWORD_MAX_CHARS + " characters");
        if (text.chars().anyMatch(Character::isISOControl)) throw new InputException(field, "must not contain control characters");
        return text;
    }

    /** The page parameters of {@code GET /info}, as given in the query (null or empty = the default). */
    public record Page(int lim, int off) {}

    public static Page page(String lim, String off) {
        // lim beyond the maximum or a negative off is an error, not silently clamped: the caller learns the limits.
        return new Page(intParam("lim", lim, PAGE_DEFAULT, 1, PAGE_MAX), intParam("off", off, 0, 0, OFFSET_MAX));
    }

    /** An optional integer query parameter such as lim or off; null or empty means {@code dflt}. */
    public static int intParam(String field, String text, int dflt, int min, int max) {
        if (text == null || text.isEmpty()) return dflt;
        if (!text.matches("^-?[0-9]{1,10}$")) throw new InputException(field, "must be an integer in " + min + ".." + max);
        long v = Long.parseLong(text);
        if (v < min || v > max) throw new InputException(field, "must be an integer in " + min + ".." + max);
        return (int) v;
    }

    public static String requiredString(JsonObject o, String field, int maxChars) {
        String s = optionalString(o, field, maxChars);
        if (s == null) throw new InputException(field, "required string");
        return s;
    }

    /** The string value of {@code field}, null when absent or JSON null. */
    public static String optionalString(JsonObject o, String field, int maxChars) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new InputException(field, "must be a string");
        }
        String s = e.getAsString();
        if (s.length() > maxChars && s.codePointCount(0, s.length()) > maxChars) {
            throw new InputException(field, "longer than " + maxChars + " chars");
        }
        return s;
    }

    /** An optional array of non-empty strings; empty list when absent. */
    public static List<String> stringArray(JsonObject o, String field, int maxEntries, int maxChars) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return List.of();
        if (!e.isJsonArray()) throw new InputException(field, "must be an array of strings");
        JsonArray a = e.getAsJsonArray();
        if (a.size() > maxEntries) throw new InputException(field, "more than " + maxEntries + " entries");
        List<String> out = new ArrayList<>(a.size());
        for (JsonElement x : a) {
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                throw new InputException(field, "must be an array of strings");
            }
            String s = x.getAsString();
            if (s.isEmpty()) throw new InputException(field, "entries must not be empty");
            if (s.codePointCount(0, s.length()) > maxChars) throw new InputException(field, "entries longer than " + maxChars + " chars");
            out.add(s);
        }
        return out;
    }

    private static String url(JsonObject o, String field) {
        String s = optionalString(o, field, URL_MAX_CHARS);
        if (s == null || s.isEmpty()) return null;
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getHost().isEmpty()) {
                throw new InputException(field, "must be an http(s) URL");
            }
        } catch (URISyntaxException bad) {
            throw new InputException(field, "must be an http(s) URL");
        }
        return s;
    }

    private static JsonElement location(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            String place = e.getAsString();
            if (place.codePointCount(0, place.length()) > PLACE_MAX_CHARS) {
                throw new InputException(field, "place name longer than " + PLACE_MAX_CHARS + " chars");
            }
            return new JsonPrimitive(place);
        }
        if (!e.isJsonObject()) throw new InputException(field, "must be a place name or {\"lat\": number, \"lon\": number}");
        JsonObject p = e.getAsJsonObject();
        if (p.size() != 2 || !p.has("lat") || !p.has("lon")) {
            throw new InputException(field, "must be a place name or {\"lat\": number, \"lon\": number}");
        }
        double lat = number(field + ".lat", p.get("lat"), -90, 90);
        double lon = number(field + ".lon", p.get("lon"), -180, 180);
        JsonObject point = new JsonObject();
        point.addProperty("lat", lat);
        point.addProperty("lon", lon);
        return point;
    }

    private static double number(String field, JsonElement e, double min, double max) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new InputException(field, "must be a number in " + (int) min + ".." + (int) max);
        double v = e.getAsDouble();
        if (!Double.isFinite(v) || v < min || v > max) throw new InputException(field, "must be a number in " + (int) min + ".." + (int) max);
        return v;
    }

    private static long positiveLong(String field, JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new InputException(field, "must be a positive integer");
        try {
            BigDecimal d = e.getAsBigDecimal();
            long v = d.longValueExact();
            if (v <= 0) throw new InputException(field, "must be a positive integer");
            return v;
        } catch (ArithmeticException | NumberFormatException notIntegral) {
            throw new InputException(field, "must be a positive integer");
        }
    }
}
