package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;


import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the ROLE / INSTANCE arguments of the control commands. */
final class Targets {
    private static final Pattern INSTANCE = Pattern.compile("([a-z]+)-([1-9][0-9]{0,3})");

    private Targets() {}

    static boolean isRole(String s) {
        return GorgonConfig.ROLES.contains(s);
    }

    static boolean isInstance(String s) {
        Matcher m = INSTANCE.matcher(s);
        return m.matches() && isRole(m.group(1));
    }

    static String roles() {
        return String.join(", ", GorgonConfig.ROLES);
    }
}
