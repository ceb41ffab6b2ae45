package io.tlsrpt.processor.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes the distinct reports to the reports topic keyed by dedup key (one record per distinct report, which the
 * topic's compaction relies on), as the bytes the route step encoded for it: no second encoding.
 */
final class ReportsSink {

    static final String KEY = "reports-by-dedup-key";
    static final String SINK = "reports-sink";

    private ReportsSink() {
    }

    static void apply(KStream<String, byte[]> distinctReports, Topics topics) {
        distinctReports.process(DedupKeyProcessor::new, Named.as(KEY))
                .to(topics.reports.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(SINK));
    }

    /** Takes the key back from the dedup-key header, which stays internal. */
    static final class DedupKeyProcessor implements Processor<String, byte[], String, byte[]> {

        private ProcessorContext<String, byte[]> context;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            context.forward(record.withKey(ReportRouting.dedupKey(record.headers()))
                    .withHeaders(ReportRouting.withoutDedupKey(record.headers())));
        }
    }
}
