package io.tlsrpt.schema.serde;

import org.apache.avro.Schema;

/**
 * Names the registry subject a record's schema is registered under, as Confluent's strategies of the
 * same names do. Implementations need a public no-argument constructor to be named in configuration.
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    /** The subject for a record of {@code schema} written to {@code topic} as key or value. */
    String subjectName(String topic, boolean isKey, Schema schema);

    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
    final class TopicNameStrategy implements SubjectNameStrategy {
        @Override
        public String subjectName(String topic, boolean isKey, Schema schema) {
            if (topic == null) {
                throw new IllegalArgumentException("TopicNameStrategy needs a topic name");
            }
            return topic + (isKey ? "-key" : "-value");
        }
    }

    /** The record's full name: one lineage per record type, whichever topic carries it. */
    final class RecordNameStrategy implements SubjectNameStrategy {
        @Override
        public String subjectName(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    }

    /** {@code <topic>-<record full name>}: several record types per topic, each with its lineage. */
    final class TopicRecordNameStrategy implements SubjectNameStrategy {
        @Override
        public String subjectName(String topic, boolean isKey, Schema schema) {
            if (topic == null) {
                throw new IllegalArgumentException("TopicRecordNameStrategy needs a topic name");
            }
            return topic + "-" + schema.getFullName();
        }
    }
}
