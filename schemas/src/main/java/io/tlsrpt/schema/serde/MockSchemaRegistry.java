package io.tlsrpt.schema.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-process schema registry for {@code mock://scope} URLs: tests and the embedded single-machine run
 * need no registry server. One registry per scope name, shared by every serde in the JVM that names
 * that scope, as with Confluent's own {@code mock://}.
 *
 * <p>It behaves like a real registry where the serde can tell: the same schema text always gets the
 * same id (also under another subject), new schemas get increasing ids starting at 1, a subject's
 * versions count from 1, and a schema that cannot read the subject's latest version is refused with
 * error code 409 (the registries' default BACKWARD compatibility) unless compatibility is set to
 * {@link Compatibility#NONE}.
 */
public final class MockSchemaRegistry implements SchemaRegistryClient {

    /** URL scheme that selects this registry. */
    public static final String SCHEME = "mock://";

    /** What a new version of a subject is checked against. */
    public enum Compatibility {
        /** Anything goes. */
        NONE,
        /** The new schema must be able to read data written with the subject's latest version. */
        BACKWARD
    }

    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    // one lock for the whole registry: registration is rare and must hand out ids atomically
    private final Object lock = new Object();
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private volatile Compatibility compatibility = Compatibility.BACKWARD;
    private int lastId;

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of {@code scope}, created on first use. */
    public static MockSchemaRegistry forScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /** The registry named by a {@code mock://scope} URL. */
    public static MockSchemaRegistry forUrl(String url) {
        if (!isMockUrl(url)) {
            throw new IllegalArgumentException("not a mock:// registry URL: " + url);
        }
        String scope = url.trim().substring(SCHEME.length());
        while (scope.endsWith("/")) {
            scope = scope.substring(0, scope.length() - 1);
        }
        return forScope(scope);
    }

    /** True for {@code mock://...} (any case). */
    public static boolean isMockUrl(String url) {
        return url != null && url.trim().regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** Forgets a scope and everything registered in it; the next {@link #forScope} starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** The scope name. */
    public String scope() {
        return scope;
    }

    /** Sets the compatibility rule for new versions of every subject of this scope. */
    public void setCompatibility(Compatibility compatibility) {
        this.compatibility = Objects.requireNonNull(compatibility, "compatibility");
    }

    @Override
    public int register(String subject, Schema schema) {
        requireSubject(subject);
        Objects.requireNonNull(schema, "schema");
        String text = schema.toString();
        synchronized (lock) {
            List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            Integer existing = idsBySchemaText.get(text);
            if (existing != null && versions.contains(existing)) {
                return existing;
            }
            if (compatibility == Compatibility.BACKWARD && !versions.isEmpty()) {
                Schema latest = schemasById.get(versions.get(versions.size() - 1));
                SchemaCompatibility.SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(schema, latest);
                if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema"
                            + " for subject \"" + subject + "\": " + result.getDescription(), 409,
                            SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                }
            }
            int id = existing != null ? existing : ++lastId;
            idsBySchemaText.putIfAbsent(text, id);
            schemasById.putIfAbsent(id, schema);
            versions.add(id);
            return id;
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        requireSubject(subject);
        synchronized (lock) {
            List<Integer> versions = versionsBySubject.get(subject);
            if (versions == null || versions.isEmpty()) {
                throw subjectNotFound(subject);
            }
            Integer id = idsBySchemaText.get(schema.toString());
            if (id == null || !versions.contains(id)) {
                throw new SchemaRegistryException("Schema not found under subject \"" + subject + "\"", 404,
                        SchemaRegistryException.SCHEMA_NOT_FOUND);
            }
            return id;
        }
    }

    @Override
    public Schema getById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found in " + describe(), 404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        requireSubject(subject);
        synchronized (lock) {
            List<Integer> versions = versionsBySubject.get(subject);
            if (versions == null || versions.isEmpty()) {
                throw subjectNotFound(subject);
            }
            int id = versions.get(versions.size() - 1);
            return new RegisteredSchema(subject, id, versions.size(), schemasById.get(id));
        }
    }

    /** The subjects registered so far, sorted. */
    public List<String> subjects() {
        synchronized (lock) {
            return versionsBySubject.entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty())
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
        }
    }

    @Override
    public String describe() {
        return SCHEME + scope;
    }

    private SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException("Subject \"" + subject + "\" not found in " + describe(), 404,
                SchemaRegistryException.SUBJECT_NOT_FOUND);
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be empty");
        }
    }
}
