package io.gorgon.roles.stats;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Without a logback-test.xml, logback logs everything at DEBUG; these tests want WARN and above only. */
final class QuietLogs {
    private QuietLogs() {}

    static void install() {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(Level.WARN);
    }
}
