package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class TrustedAvroClassesTest {

    @Test
    void namesTheRecordAndEveryRecordNestedInIt() {
        assertThat(TrustedAvroClasses.namedTypes(TlsReport.getClassSchema())).containsExactlyInAnyOrder(
                "io.tlsrpt.schema.TlsReport", "io.tlsrpt.schema.Policy", "io.tlsrpt.schema.FailureDetail",
                "io.tlsrpt.schema.Provenance", "io.tlsrpt.schema.MailHeaders");
        assertThat(TrustedAvroClasses.namedTypes(FailureStats.getClassSchema())).containsExactlyInAnyOrder(
                "io.tlsrpt.schema.FailureStats", "io.tlsrpt.schema.CountedValue");
    }

    @Test
    void aDeserializerMakesAvroTrustItsClassesAndNothingElse() {
        new ConfluentAvroDeserializer<>(TlsReport.class, MockSchemaRegistry.forScope("trust-test"));
        MockSchemaRegistry.dropScope("trust-test");

        ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
        assertThat(global.isTrusted(io.tlsrpt.schema.MailHeaders.class)).isTrue();
        // a class no schema names stays untrusted (this JVM trusts io.tlsrpt by system property, not this one)
        assertThat(global.isTrusted(java.net.Socket.class)).isFalse();
    }
}
