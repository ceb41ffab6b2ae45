package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.TlsReport;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {

    private final String scope = "registry-test-" + UUID.randomUUID();
    private final String otherScope = scope + "-other";

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(scope);
        MockSchemaRegistry.dropScope(otherScope);
    }

    @Test
    void theSameSchemaGetsTheSameIdAndNewSchemasIncreasingIds() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
        int report = registry.register("reports-value", TlsReport.getClassSchema());
        int again = registry.register("reports-value", TlsReport.getClassSchema());
        int otherSubject = registry.register("archive-value", TlsReport.getClassSchema());
        int alert = registry.register("alerts-value", Alert.getClassSchema());

        assertThat(report).isEqualTo(1);
        assertThat(again).isEqualTo(report);
        assertThat(otherSubject).isEqualTo(report);
        assertThat(alert).isEqualTo(2);
        assertThat(registry.getById(report)).isEqualTo(TlsReport.getClassSchema());
        assertThat(registry.getLatest("reports-value")).isEqualTo(
                new RegisteredSchema("reports-value", report, 1, TlsReport.getClassSchema()));
        assertThat(registry.lookup("archive-value", TlsReport.getClassSchema())).isEqualTo(report);
    }

    @Test
    void versionsOfASubjectCountUpAndTheLatestWins() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
        Schema v1 = SchemaBuilder.record("Thing").namespace("t").fields().requiredString("a").endRecord();
        Schema v2 = SchemaBuilder.record("Thing").namespace("t").fields().requiredString("a")
                .name("b").type().stringType().stringDefault("").endRecord();
        int id1 = registry.register("things-value", v1);
        int id2 = registry.register("things-value", v2);

        assertThat(id2).isGreaterThan(id1);
        assertThat(registry.getLatest("things-value")).isEqualTo(new RegisteredSchema("things-value", id2, 2, v2));
        // registering an older version again returns its id and adds no version
        assertThat(registry.register("things-value", v1)).isEqualTo(id1);
        assertThat(registry.getLatest("things-value").version()).isEqualTo(2);
    }

    @Test
    void refusesAnIncompatibleNewVersionLikeARealRegistry() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
        Schema v1 = SchemaBuilder.record("Thing").namespace("t").fields().requiredString("a").endRecord();
        Schema addsRequired = SchemaBuilder.record("Thing").namespace("t").fields().requiredString("a")
                .requiredLong("b").endRecord();
        registry.register("things-value", v1);

        assertThatThrownBy(() -> registry.register("things-value", addsRequired))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.httpStatus()).isEqualTo(409);
                })
                .hasMessageContaining("incompatible");

        registry.setCompatibility(MockSchemaRegistry.Compatibility.NONE);
        assertThat(registry.register("things-value", addsRequired)).isEqualTo(2);
    }

    @Test
    void unknownIdsAndSubjectsAreNotFound() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
        assertThatThrownBy(() -> registry.getById(42))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                });
        assertThatThrownBy(() -> registry.getLatest("nothing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        registry.register("reports-value", TlsReport.getClassSchema());
        assertThatThrownBy(() -> registry.lookup("reports-value", Alert.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void scopesAreIsolatedSharedByNameAndDroppable() {
        MockSchemaRegistry one = MockSchemaRegistry.forUrl("mock://" + scope);
        MockSchemaRegistry other = MockSchemaRegistry.forUrl("MOCK://" + otherScope + "/");
        one.register("alerts-value", Alert.getClassSchema());
        one.register("reports-value", TlsReport.getClassSchema());
        int inOther = other.register("reports-value", TlsReport.getClassSchema());

        assertThat(MockSchemaRegistry.forScope(scope)).isSameAs(one);
        assertThat(inOther).isEqualTo(1);
        assertThat(other.subjects()).containsExactly("reports-value");
        assertThat(SchemaRegistryClients.forUrl("mock://" + scope)).isSameAs(one);

        MockSchemaRegistry.dropScope(scope);
        MockSchemaRegistry fresh = MockSchemaRegistry.forScope(scope);
        assertThat(fresh).isNotSameAs(one);
        assertThat(fresh.subjects()).isEmpty();
        assertThat(other.subjects()).containsExactly("reports-value");
    }

    @Test
    void recognisesMockUrls() {
        assertThat(MockSchemaRegistry.isMockUrl("mock://x")).isTrue();
        assertThat(MockSchemaRegistry.isMockUrl(" Mock://x")).isTrue();
        assertThat(MockSchemaRegistry.isMockUrl("http://x")).isFalse();
        assertThat(MockSchemaRegistry.isMockUrl(null)).isFalse();
        assertThatThrownBy(() -> MockSchemaRegistry.forUrl("http://localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
