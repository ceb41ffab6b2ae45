package io.tlsrpt.connect.dkim;

/** Why a signature could not be verified: a permanent error (the signature or key is unusable) or a temporary one. */
final class DkimException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DkimResult.Status status;

    private DkimException(DkimResult.Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    static DkimException perm(String message) {
        return new DkimException(DkimResult.Status.PERMERROR, message, null);
    }

    static DkimException temp(String message, Throwable cause) {
        return new DkimException(DkimResult.Status.TEMPERROR, message, cause);
    }

    DkimResult.Status status() {
        return status;
    }
}
