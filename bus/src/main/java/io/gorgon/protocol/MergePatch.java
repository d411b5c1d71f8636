package io.gorgon.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7396), the partial-update format of {@code PATCH /items/{id}}: a member of the patch replaces
 * the target's member, {@code null} removes it, and objects merge recursively. What it yields is validated like a
 * new item afterwards, so a patch can never produce what a create would refuse.
 */
public final class MergePatch {
    private MergePatch() {}

    /** The target with the patch applied; neither argument is modified. */
    public static JsonElement apply(JsonElement target, JsonElement patch) {
        if (patch == null || !patch.isJsonObject()) return patch == null ? null : patch.deepCopy();
        JsonObject out = target != null && target.isJsonObject() ? target.getAsJsonObject().deepCopy() : new JsonObject();
        for (Map.Entry<String, JsonElement> e : patch.getAsJsonObject().entrySet()) {
            if (e.getValue().isJsonNull()) out.remove(e.getKey());
            else out.add(e.getKey(), apply(out.get(e.getKey()), e.getValue()));
        }
        return out;
    }
}
