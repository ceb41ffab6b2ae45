package io.tlsrpt.schema.serde;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/**
 * Turns a configured strategy name into a {@link SubjectNameStrategy}. Accepts the simple names
 * ({@code TopicNameStrategy}, {@code RecordNameStrategy}, {@code TopicRecordNameStrategy}), Confluent's
 * class names ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}, ...) so that existing
 * Confluent configurations work unchanged, or the name of any class implementing the interface.
 */
public final class SubjectNameStrategies {

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private SubjectNameStrategies() {
    }

    /** The strategy named {@code name}; throws IllegalArgumentException for an unknown one. */
    public static SubjectNameStrategy resolve(String name) {
        if (name == null || name.isBlank()) {
            return new SubjectNameStrategy.TopicNameStrategy();
        }
        String trimmed = name.trim();
        String simple = trimmed.startsWith(CONFLUENT_PACKAGE) ? trimmed.substring(CONFLUENT_PACKAGE.length())
                : trimmed.startsWith(SubjectNameStrategy.class.getName() + "$")
                ? trimmed.substring(SubjectNameStrategy.class.getName().length() + 1)
                : trimmed;
        switch (simple.toLowerCase(Locale.ROOT)) {
            case "topicnamestrategy":
                return new SubjectNameStrategy.TopicNameStrategy();
            case "recordnamestrategy":
                return new SubjectNameStrategy.RecordNameStrategy();
            case "topicrecordnamestrategy":
                return new SubjectNameStrategy.TopicRecordNameStrategy();
            default:
                return instantiate(trimmed);
        }
    }

    private static SubjectNameStrategy instantiate(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : SubjectNameStrategies.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown subject name strategy \"" + className
                    + "\": use TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy or the name of a class"
                    + " implementing " + SubjectNameStrategy.class.getName(), e);
        }
        if (!SubjectNameStrategy.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("subject name strategy " + className + " does not implement "
                    + SubjectNameStrategy.class.getName());
        }
        try {
            return (SubjectNameStrategy) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalArgumentException("cannot create subject name strategy " + className + ": " + cause, cause);
        }
    }
}
