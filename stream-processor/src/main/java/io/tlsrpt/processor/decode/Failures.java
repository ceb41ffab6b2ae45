package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.CharConversionException;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;

/** Maps whatever a library threw to the rejection it means; the message keeps the cause. */
final class Failures {

    private static final int MESSAGE_MAX = 400;

    private Failures() {
    }

    static DecodeResult.Rejected classify(Throwable thrown, DecodeContext.Stage stage) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && chain.size() < 16 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain) {
            if (t instanceof DecodeFailure failure) {
                return rejected(failure.reason(), failure.getMessage(), null);
            }
        }
        RejectReason reason = null;
        for (Throwable t : chain) {
            reason = reasonOf(t, stage);
            if (reason != null) {
                break;
            }
        }
        if (reason == null) {
            reason = RejectReason.DECODER_ERROR;
        }
        return rejected(reason, prefix(reason), thrown);
    }

    /** The failure as a {@link DecodeFailure}, so that one bad part of many can be skipped and remembered. */
    static DecodeFailure asFailure(Throwable thrown, DecodeContext.Stage stage) {
        if (thrown instanceof DecodeFailure failure) {
            return failure;
        }
        DecodeResult.Rejected rejected = classify(thrown, stage);
        return new DecodeFailure(rejected.reason(), rejected.message(), thrown);
    }

    private static RejectReason reasonOf(Throwable t, DecodeContext.Stage stage) {
        if (t instanceof StreamConstraintsException) {
            return RejectReason.JSON_LIMIT;
        }
        if (t instanceof JsonEOFException || t instanceof EOFException) {
            return RejectReason.TRUNCATED;
        }
        if (t instanceof CharConversionException) {
            return RejectReason.INVALID_ENCODING;
        }
        if (t instanceof ZipException || (t instanceof java.io.IOException && thrownBy(t, "java.util.zip."))) {
            // e.g. ZipInputStream's "Push back buffer is full" on a corrupt data descriptor (found by fuzzing)
            return RejectReason.CORRUPT_ARCHIVE;
        }
        if (t instanceof JsonProcessingException) {
            String message = String.valueOf(t.getMessage());
            return message.contains("Invalid UTF-") ? RejectReason.INVALID_ENCODING : RejectReason.NOT_JSON;
        }
        if (t instanceof StackOverflowError) {
            return switch (stage) {
                case MIME -> RejectReason.MIME_LIMIT;
                case JSON, NORMALISE -> RejectReason.JSON_LIMIT;
                default -> RejectReason.DECODER_ERROR;
            };
        }
        if (t instanceof OutOfMemoryError) {
            return RejectReason.TOO_LARGE;
        }
        return null;
    }

    private static boolean thrownBy(Throwable t, String packagePrefix) {
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < Math.min(4, trace.length); i++) {
            if (trace[i].getClassName().startsWith(packagePrefix)) {
                return true;
            }
        }
        return false;
    }

    private static String prefix(RejectReason reason) {
        return switch (reason) {
            case JSON_LIMIT -> "JSON exceeds a parser limit";
            case TRUNCATED -> "the data ends early";
            case INVALID_ENCODING -> "invalid encoding";
            case CORRUPT_ARCHIVE -> "corrupt gzip/zip data";
            case NOT_JSON -> "malformed JSON";
            case MALFORMED_MIME -> "malformed MIME";
            case MIME_LIMIT -> "the mail is nested too deeply";
            case TOO_LARGE -> "out of memory while decoding";
            default -> "unexpected decoder failure";
        };
    }

    private static DecodeResult.Rejected rejected(RejectReason reason, String message, Throwable cause) {
        String text = cause == null ? message : message + ": " + describe(cause);
        return new DecodeResult.Rejected(reason, Texts.abbreviate(text, MESSAGE_MAX));
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String name = t.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message.replace('\n', ' ').replace('\r', ' ');
    }
}
