package io.tlsrpt.schema.serde;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Tells Avro to trust the generated classes a deserializer was built for. Avro 1.12 refuses to
 * instantiate classes outside {@code org.apache.avro.SERIALIZABLE_PACKAGES}; a deserializer for a class
 * the application compiled in is exactly the case that list exists for, so every application using the
 * serde would otherwise need the system property. Only the classes named by the reader's own schema (the
 * record and the records, enums and fixed types nested in it) are added, never names from writer
 * schemas; Avro's other predicates (system properties, defaults) stay in force.
 */
final class TrustedAvroClasses {

    private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();
    private static boolean installed;

    private TrustedAvroClasses() {
    }

    /** Trusts the generated classes of {@code schema} and of every named type inside it. */
    static void trust(Schema schema) {
        TRUSTED.addAll(namedTypes(schema));
        install();
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> TRUSTED.contains(type.getName())));
        installed = true;
    }

    /** The generated class names of {@code root} and the named types inside it. */
    static Set<String> namedTypes(Schema root) {
        Set<String> classNames = new HashSet<>();
        Set<Schema> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Deque<Schema> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Schema schema = pending.pop();
            if (!seen.add(schema)) {
                continue;
            }
            switch (schema.getType()) {
                case RECORD -> {
                    classNames.add(SpecificData.getClassName(schema));
                    schema.getFields().forEach(field -> pending.push(field.schema()));
                }
                case ENUM, FIXED -> classNames.add(SpecificData.getClassName(schema));
                case ARRAY -> pending.push(schema.getElementType());
                case MAP -> pending.push(schema.getValueType());
                case UNION -> schema.getTypes().forEach(pending::push);
                default -> {
                    // primitives name no class
                }
            }
        }
        return classNames;
    }
}
