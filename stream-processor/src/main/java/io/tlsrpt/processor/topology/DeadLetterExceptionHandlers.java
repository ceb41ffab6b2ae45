package io.tlsrpt.processor.topology;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers that dead-letter instead of crashing: the source record's raw bytes go
 * to the dead-letter topic with the same headers as a decoder rejection (stage {@code process} or
 * {@code produce}, reason {@code processing-exception}/{@code production-exception}/{@code serialization-exception})
 * and processing resumes. Configured with {@link #DEAD_LETTER_TOPIC_CONFIG} and, optionally, a
 * {@link PipelineMetrics} under {@link #METRICS_CONFIG}.
 */
public final class DeadLetterExceptionHandlers {

    public static final String DEAD_LETTER_TOPIC_CONFIG = "tlsrpt.dead-letter.topic";
    public static final String METRICS_CONFIG = "tlsrpt.pipeline.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandlers.class);

    private DeadLetterExceptionHandlers() {
    }

    static ProducerRecord<byte[], byte[]> deadLetter(String topic, ErrorHandlerContext context, String stage,
                                                     String reason, Exception exception) {
        Headers headers = new RecordHeaders();
        if (context.headers() != null) {
            for (Header h : context.headers()) {
                if (!h.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        String message = exception.getClass().getSimpleName() + ": " + exception.getMessage()
                + " (processor " + context.processorNodeId() + ", task " + context.taskId() + ")";
        DeadLetters.annotate(headers, stage, reason, message, context.topic(), context.partition(), context.offset(),
                context.sourceRawValue(), Instant.now());
        return new ProducerRecord<>(topic, null, context.sourceRawKey(), context.sourceRawValue(), headers);
    }

    private abstract static class Base {
        String topic;
        PipelineMetrics metrics;

        void configureBase(Map<String, ?> configs) {
            Object t = configs.get(DEAD_LETTER_TOPIC_CONFIG);
            topic = t == null ? "tlsrpt.dead-letter" : t.toString();
            Object m = configs.get(METRICS_CONFIG);
            metrics = m instanceof PipelineMetrics pm ? pm : null;
        }

        void count(String stage, String reason) {
            if (metrics != null) {
                metrics.deadLetter(stage, reason);
            }
        }
    }

    /** processing.exception.handler: an exception in any processor dead-letters the source record. */
    public static final class Processing extends Base implements ProcessingExceptionHandler {
        @Override
        public void configure(Map<String, ?> configs) {
            configureBase(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            LOG.error("processing failed in {} for {}-{}@{}; dead-lettered", context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), exception);
            count(DeadLetters.STAGE_PROCESS, "processing-exception");
            return Response.resume(List.of(deadLetter(topic, context, DeadLetters.STAGE_PROCESS,
                    "processing-exception", exception)));
        }
    }

    /**
     * deserialization.exception.handler: a record of an input or repartition topic that cannot be read (e.g.
     * written by an incompatible version) is dead-lettered with its bytes instead of stopping the task.
     */
    public static final class Deserialization extends Base implements DeserializationExceptionHandler {
        @Override
        public void configure(Map<String, ?> configs) {
            configureBase(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            LOG.error("cannot deserialise {}-{}@{}; dead-lettered", record.topic(), record.partition(),
                    record.offset(), exception);
            count(DeadLetters.STAGE_PROCESS, "deserialization-exception");
            return Response.resume(List.of(deadLetter(topic, context, DeadLetters.STAGE_PROCESS,
                    "deserialization-exception", exception)));
        }
    }

    /** production.exception.handler: a record the broker refuses, or that cannot be serialised, is dead-lettered. */
    public static final class Production extends Base implements ProductionExceptionHandler {
        @Override
        public void configure(Map<String, ?> configs) {
            configureBase(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                    Exception exception) {
            if (topic.equals(record.topic())) {
                // the dead-letter topic itself refuses: nothing left to write to, so fail loudly
                LOG.error("cannot write to the dead-letter topic {}", topic, exception);
                return Response.fail();
            }
            LOG.error("producing to {} failed for source {}-{}@{}; dead-lettered", record.topic(), context.topic(),
                    context.partition(), context.offset(), exception);
            count(DeadLetters.STAGE_PRODUCE, "production-exception");
            return Response.resume(List.of(deadLetter(topic, context, DeadLetters.STAGE_PRODUCE,
                    "production-exception", exception)));
        }

        @Override
        @SuppressWarnings("rawtypes")   // the interface's own signature
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                 Exception exception, SerializationExceptionOrigin origin) {
            LOG.error("serialising a record for {} failed ({}) for source {}-{}@{}; dead-lettered", record.topic(),
                    origin, context.topic(), context.partition(), context.offset(), exception);
            count(DeadLetters.STAGE_PRODUCE, "serialization-exception");
            return Response.resume(List.of(deadLetter(topic, context, DeadLetters.STAGE_PRODUCE,
                    "serialization-exception", exception)));
        }
    }
}
