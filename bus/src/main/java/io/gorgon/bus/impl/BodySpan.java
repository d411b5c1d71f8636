package io.gorgon.bus.impl;

/**
 * Finds the text of the top-level {@code "body"} value in an envelope's JSON without building anything: the
 * envelope decoder has already checked the whole text with a JsonReader, so this only walks strict JSON (quoted
 * names, standard literals) and answers null for anything else, which the decoder then parses the slow way.
 */
final class BodySpan {
    private BodySpan() {}

    /** The last top-level "body" value's text (as a JsonReader keeps the last duplicate), or null. */
    static String find(String s) {
        int i = ws(s, 0);
        if (i >= s.length() || s.charAt(i) != '{') return null;
        i = ws(s, i + 1);
        String found = null;
        if (i < s.length() && s.charAt(i) == '}') return null;
        while (i < s.length()) {
            if (s.charAt(i) != '"') return null;
            int nameEnd = string(s, i);
            if (nameEnd < 0) return null;
            boolean isBody = s.startsWith("\"body\"", i) && nameEnd == i + 6;
            i = ws(s, nameEnd);
            if (i >= s.length() || s.charAt(i) != ':') return null;
            int from = ws(s, i + 1);
            int to = value(s, from);
            if (to < 0) return null;
            if (isBody) found = s.substring(from, to);
            i = ws(s, to);
            if (i >= s.length()) return null;
            char c = s.charAt(i);
            if (c == '}') return found;
            if (c != ',') return null;
            i = ws(s, i + 1);
        }
        return null;
    }

    private static int ws(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            i++;
        }
        return i;
    }

    /** s[i] is '"': the index after the closing quote, or -1. */
    private static int string(String s, int i) {
        for (int j = i + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') j++;
            else if (c == '"') return j + 1;
        }
        return -1;
    }

    /** The index after the value starting at i, or -1 for what this walker does not follow. */
    private static int value(String s, int i) {
        if (i >= s.length()) return -1;
        char c = s.charAt(i);
        if (c == '"') return string(s, i);
        if (c == '{' || c == '[') {
            int depth = 0;
            for (int j = i; j < s.length(); j++) {
                char d = s.charAt(j);
                if (d == '"') {
                    j = string(s, j) - 1;
                    if (j < 0) return -1;
                } else if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    if (--depth == 0) return j + 1;
                }
            }
            return -1;
        }
        int j = i;
        while (j < s.length() && "-+.0123456789eE".indexOf(s.charAt(j)) >= 0) j++;
        if (j > i) return j;
        for (String lit : new String[] {"true", "false", "null"}) if (s.startsWith(lit, i)) return i + lit.length();
        return -1;
    }
}
