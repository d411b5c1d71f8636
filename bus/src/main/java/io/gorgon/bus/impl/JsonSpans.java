package io.gorgon.bus.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text without building anything: where a value starts and ends, checked against strict JSON (RFC 8259)
 * on the way. Hops that pass a body on, or pick one field out of a large one, use this instead of a parser; anything
 * it does not follow (lenient forms such as unquoted names) answers null or -1, and the caller parses the slow way.
 */
public final class JsonSpans {
    private JsonSpans() {}

    /** True if {@code s} is exactly one strict JSON value, with optional whitespace around it. */
    public static boolean isValue(String s) {
        int end = value(s, ws(s, 0));
        return end >= 0 && ws(s, end) == s.length();
    }

    /**
     * The text of the top-level field {@code name} of the object {@code s} (the last one if it is repeated, as a
     * parser keeps it), or null if there is none or {@code s} is not a strict JSON object.
     */
    public static String field(String s, String name) {
        Map<String, String> all = fields(s);
        return all == null ? null : all.get(name);
    }

    /**
     * The object {@code s}'s top-level fields, name to value text, in order (a repeated name keeps its last value, as
     * a parser does); null if {@code s} is not a strict JSON object or a name holds an escape (a parser would read
     * it as another name than its text).
     */
    public static Map<String, String> fields(String s) {
        int i = ws(s, 0);
        if (i >= s.length() || s.charAt(i) != '{') return null;
        Map<String, String> out = new LinkedHashMap<>();
        int end = object(s, i, out);
        return end >= 0 && ws(s, end) == s.length() ? out : null;
    }

    /** The texts of the elements of the array {@code s}, in order, or null if {@code s} is not a strict JSON array. */
    public static List<String> elements(String s) {
        int i = ws(s, 0);
        if (i >= s.length() || s.charAt(i) != '[') return null;
        List<String> out = new ArrayList<>();
        int end = array(s, i, out);
        return end >= 0 && ws(s, end) == s.length() ? out : null;
    }

    /** The index after the strict JSON value starting at {@code i}, or -1. */
    static int value(String s, int i) {
        if (i >= s.length()) return -1;
        char c = s.charAt(i);
        return switch (c) {
            case '"' -> string(s, i);
            case '{' -> object(s, i, null);
            case '[' -> array(s, i, null);
            case 't' -> s.startsWith("true", i) ? i + 4 : -1;
            case 'f' -> s.startsWith("false", i) ? i + 5 : -1;
            case 'n' -> s.startsWith("null", i) ? i + 4 : -1;
            default -> number(s, i);
        };
    }

    /**
     * s[i] is '{': the index after the object, or -1. With {@code out}, its members' texts go there by name (the last
     * of a repeated name), and a name holding an escape answers -1: a parser would read it as another name.
     */
    private static int object(String s, int i, Map<String, String> out) {
        i = ws(s, i + 1);
        if (i < s.length() && s.charAt(i) == '}') return i + 1;
        while (i < s.length()) {
            if (s.charAt(i) != '"') return -1;
            int nameEnd = string(s, i);
            if (nameEnd < 0) return -1;
            String name = out == null ? null : s.substring(i + 1, nameEnd - 1);
            if (name != null && name.indexOf('\\') >= 0) return -1;
            i = ws(s, nameEnd);
            if (i >= s.length() || s.charAt(i) != ':') return -1;
            int from = ws(s, i + 1);
            i = value(s, from);
            if (i < 0) return -1;
            if (out != null) out.put(name, s.substring(from, i));
            i = ws(s, i);
            if (i >= s.length()) return -1;
            char c = s.charAt(i);
            if (c == '}') return i + 1;
            if (c != ',') return -1;
            i = ws(s, i + 1);
        }
        return -1;
    }

    /** s[i] is '[': the index after the array, or -1. With {@code out}, its elements' texts go there in order. */
    private static int array(String s, int i, List<String> out) {
        i = ws(s, i + 1);
        if (i < s.length() && s.charAt(i) == ']') return i + 1;
        while (i < s.length()) {
            int from = i;
            i = value(s, i);
            if (i < 0) return -1;
            if (out != null) out.add(s.substring(from, i));
            i = ws(s, i);
            if (i >= s.length()) return -1;
            char c = s.charAt(i);
            if (c == ']') return i + 1;
            if (c != ',') return -1;
            i = ws(s, i + 1);
        }
        return -1;
    }

    /** s[i] is '"': the index after the closing quote, or -1 (unterminated, a raw control character, a bad escape). */
    static int string(String s, int i) {
        for (int j = i + 1, n = s.length(); j < n; j++) {
            char c = s.charAt(j);
            if (c == '"') return j + 1;
            if (c < 0x20) return -1;
            if (c == '\\') {
                if (++j >= n) return -1;
                switch (s.charAt(j)) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                    case 'u' -> {
                        if (j + 4 >= n) return -1;
                        for (int k = 1; k <= 4; k++) if (Character.digit(s.charAt(j + k), 16) < 0) return -1;
                        j += 4;
                    }
                    default -> {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? starting at i: the index after it, or -1. */
    private static int number(String s, int i) {
        int n = s.length(), j = i;
        if (j < n && s.charAt(j) == '-') j++;
        if (j >= n) return -1;
        if (s.charAt(j) == '0') j++;
        else if (s.charAt(j) >= '1' && s.charAt(j) <= '9') j = digits(s, j);
        else return -1;
        if (j < n && s.charAt(j) == '.') {
            int k = digits(s, j + 1);
            if (k == j + 1) return -1;
            j = k;
        }
        if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            j++;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) j++;
            int k = digits(s, j);
            if (k == j) return -1;
            j = k;
        }
        return j;
    }

    private static int digits(String s, int j) {
        while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') j++;
        return j;
    }

    static int ws(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            i++;
        }
        return i;
    }
}
