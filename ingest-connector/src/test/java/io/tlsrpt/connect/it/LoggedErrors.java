package io.tlsrpt.connect.it;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The distinct ERROR events logged anywhere in this JVM while this is open, and the WARN events caused by an
 * authorization failure (Connect logs some refused writes only as warnings), each as "Logger: message (root
 * cause)": what an operator would find in the worker's log. An event may arrive more than once (through its own
 * logger and the root): each line is kept once.
 */
final class LoggedErrors extends AbstractAppender implements AutoCloseable {

    private static final int KEPT = 20;
    private final Set<String> lines = new LinkedHashSet<>();
    private final LoggerContext context;

    private LoggedErrors(LoggerContext context) {
        super("logged-errors-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        this.context = context;
    }

    /** On every configured logger, as some (log4j2-test.xml) do not pass their events on to the root logger. */
    static LoggedErrors capture() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggedErrors appender = new LoggedErrors(context);
        appender.start();
        appender.loggers().forEach(logger -> logger.addAppender(appender, Level.WARN, null));
        context.updateLoggers();
        return appender;
    }

    private List<LoggerConfig> loggers() {
        List<LoggerConfig> loggers = new ArrayList<>(context.getConfiguration().getLoggers().values());
        loggers.add(context.getConfiguration().getRootLogger());
        return loggers;
    }

    @Override
    public void append(LogEvent event) {
        boolean error = event.getLevel().isMoreSpecificThan(Level.ERROR);   // ERROR or FATAL
        if (!error && !(event.getLevel() == Level.WARN && authorizationFailure(event.getThrown()))) {
            return;
        }
        String logger = event.getLoggerName();
        String line = logger.substring(logger.lastIndexOf('.') + 1) + ": " + event.getMessage().getFormattedMessage()
                + (event.getThrown() == null ? "" : " (" + rootCause(event.getThrown()) + ")");
        synchronized (lines) {
            if (lines.size() < KEPT) {
                lines.add(line);
            }
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    private static boolean authorizationFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        loggers().forEach(logger -> logger.removeAppender(getName()));
        context.updateLoggers();
        stop();
    }
}
