package io.tlsrpt.schema.serde;

/**
 * A schema registry refused or failed a request. Carries the HTTP status and the registry's own
 * {@code error_code} (e.g. 40403 "schema not found", 409 "incompatible schema") when there was one,
 * so callers can tell "not registered" from "registry down".
 */
public final class SchemaRegistryException extends RuntimeException {

    /** No HTTP status: the request never got an answer (connection refused, timeout, bad JSON). */
    public static final int NO_STATUS = -1;

    /** Confluent error code: the subject does not exist. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: the subject has no version with the given number. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: no schema with this id, or the schema is not registered under the subject. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: the schema is incompatible with an earlier version of the subject. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code: the schema text is not a valid schema. */
    public static final int INVALID_SCHEMA = 42201;

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = NO_STATUS;
        this.errorCode = NO_STATUS;
    }

    /** The HTTP status of the registry's answer, or {@link #NO_STATUS}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, or {@link #NO_STATUS} when the answer carried none. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the registry answered that the subject, version or schema does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404 || errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND
                || errorCode == SCHEMA_NOT_FOUND;
    }
}
