package io.gorgon.roles.app;

import com.google.gson.JsonArray;
import io.gorgon.bus.HandlerFailure;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code If-Match} header of {@code PATCH /items/{id}} (RFC 9110 §13.1.1), against items' ETags {@code "N"}
 * (N = the item's version). An edit must say which version it was based on: absent is {@code 428 Precondition
 * Required}, which RFC 6585 defines for exactly this lost-update case, so no client overwrites a concurrent edit by
 * forgetting the header (APIs that let it through, last write wins, lose edits silently); {@code *} explicitly accepts any current version (last write wins). Weak
 * tags ({@code W/"N"}) never match, as the strong comparison the RFC prescribes for If-Match says.
 */
final class IfMatch {
    private static final Pattern TAG = Pattern.compile("\\s*(W/)?\"([^\"]*)\"\\s*(,|$)");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

    private IfMatch() {}

    /** The versions the header allows, or empty for {@code *}; 428 when absent, 400 when malformed. */
    static Optional<JsonArray> versions(String header) {
        if (header == null || header.isBlank()) {
            throw new HandlerFailure(428, "an edit needs If-Match: the item's ETag from GET /items/{id} (or * to overwrite any version)");
        }
        if (header.strip().equals("*")) return Optional.empty();
        JsonArray out = new JsonArray();
        Matcher m = TAG.matcher(header);
        int at = 0;
        while (at < header.length() && m.find(at) && m.start() == at) {
            if (m.group(1) == null && VERSION.matcher(m.group(2)).matches()) out.add(Long.parseLong(m.group(2)));
            at = m.end();
        }
        if (at < header.length() || header.strip().endsWith(",")) {
            throw new HandlerFailure(400, "If-Match must be * or a list of ETags like \"3\"");
        }
        return Optional.of(out);
    }
}
