package io.tlsrpt.processor.app;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** What one class (or logger) logs while this is open, one line per event: "LEVEL message". */
final class CapturedLog implements AutoCloseable {

    private final StringWriter lines = new StringWriter();
    private final WriterAppender appender;
    private final LoggerConfig logger;
    private final LoggerContext context;

    CapturedLog(Class<?> source) {
        this(source.getName());
    }

    CapturedLog(String loggerName) {
        context = (LoggerContext) LogManager.getContext(false);
        appender = WriterAppender.newBuilder().setName("captured-" + loggerName + "-" + System.nanoTime())
                .setTarget(lines).setLayout(PatternLayout.newBuilder().setPattern("%level %msg%n").build()).build();
        appender.start();
        logger = new LoggerConfig(loggerName, Level.INFO, true);
        logger.addAppender(appender, Level.INFO, null);
        context.getConfiguration().addLogger(loggerName, logger);
        context.updateLoggers();
    }

    String text() {
        return lines.toString();
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(logger.getName());
        context.updateLoggers();
        appender.stop();
    }
}
