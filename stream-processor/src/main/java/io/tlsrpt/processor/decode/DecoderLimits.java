package io.tlsrpt.processor.decode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Caps that keep a hostile input from costing more than a real report ever does. The defaults are
 * far above real traffic (the largest real reports are a few MB of JSON) and far below what would
 * hurt a stream processor.
 *
 * <p>Configuration keys (sizes accept a {@code k}, {@code m} or {@code g} suffix, binary units), each
 * overridable by the environment variable {@code TLSRPT_} + the key upper-cased with dots as
 * underscores (e.g. {@code TLSRPT_DECODER_MAX_INPUT_BYTES}):
 * <ul>
 *   <li>{@value #MAX_INPUT_BYTES} (default 16m): raw input size; larger is {@code too-large}</li>
 *   <li>{@value #MAX_DECOMPRESSED_BYTES} (default 64m): all decompressed bytes of one input together</li>
 *   <li>{@value #MAX_COMPRESSION_RATIO} (default 1000): decompressed/compressed ratio allowed ...</li>
 *   <li>{@value #RATIO_FLOOR_BYTES} (default 1m): ... once this many bytes came out of a decompressor</li>
 *   <li>{@value #MAX_JSON_DEPTH} (default 64): JSON nesting depth</li>
 *   <li>{@value #MAX_JSON_ARRAY_LENGTH} (default 100000): elements of any JSON array of a report, checked as
 *       each element is read</li>
 *   <li>{@value #MAX_JSON_STRING_LENGTH} (default 1m): characters of one JSON string</li>
 *   <li>{@value #MAX_JSON_TOKENS} (default 1000000): JSON tokens of one payload, counted as they are read. A
 *       real failure detail is about 16 tokens in 250 bytes, so this admits some 12 MB of report JSON (real
 *       reports are a few MB); it is also what bounds the memory a hostile payload costs, since every token
 *       becomes a tree node or report field of up to some 80 bytes ({@code HostileInputCatalogueTest})</li>
 *   <li>{@value #MAX_MIME_PARTS} (default 100): MIME parts of one mail, all levels together</li>
 *   <li>{@value #MAX_MIME_DEPTH} (default 8): nesting of multiparts and attached messages</li>
 *   <li>{@value #MAX_ARCHIVE_DEPTH} (default 2): gzip/zip layers around the JSON (zip of .json.gz is 2)</li>
 *   <li>{@value #MAX_ARCHIVE_ENTRIES} (default 100): entries of one zip</li>
 * </ul>
 */
public record DecoderLimits(long maxInputBytes, long maxDecompressedBytes, long maxCompressionRatio,
                            long ratioFloorBytes, int maxJsonDepth, int maxJsonArrayLength,
                            int maxJsonStringLength, long maxJsonTokens, int maxMimeParts, int maxMimeDepth,
                            int maxArchiveDepth, int maxArchiveEntries) {

    /** Raw input size in bytes. */
    public static final String MAX_INPUT_BYTES = "decoder.max.input.bytes";
    /** Decompressed bytes of one input, all layers and entries together. */
    public static final String MAX_DECOMPRESSED_BYTES = "decoder.max.decompressed.bytes";
    /** Largest decompressed/compressed ratio once {@link #RATIO_FLOOR_BYTES} came out. */
    public static final String MAX_COMPRESSION_RATIO = "decoder.max.compression.ratio";
    /** Decompressed bytes after which the ratio is enforced (small inputs compress well). */
    public static final String RATIO_FLOOR_BYTES = "decoder.compression.ratio.floor.bytes";
    /** JSON nesting depth. */
    public static final String MAX_JSON_DEPTH = "decoder.max.json.depth";
    /** Elements of one JSON array. */
    public static final String MAX_JSON_ARRAY_LENGTH = "decoder.max.json.array.length";
    /** Characters of one JSON string. */
    public static final String MAX_JSON_STRING_LENGTH = "decoder.max.json.string.length";
    /** JSON tokens of one payload (bounds the parsed tree's memory). */
    public static final String MAX_JSON_TOKENS = "decoder.max.json.tokens";
    /** MIME parts of one mail. */
    public static final String MAX_MIME_PARTS = "decoder.max.mime.parts";
    /** MIME nesting depth. */
    public static final String MAX_MIME_DEPTH = "decoder.max.mime.depth";
    /** gzip/zip layers around the JSON. */
    public static final String MAX_ARCHIVE_DEPTH = "decoder.max.archive.depth";
    /** Entries of one zip archive. */
    public static final String MAX_ARCHIVE_ENTRIES = "decoder.max.archive.entries";

    private static final long MIB = 1024L * 1024L;
    private static final DecoderLimits DEFAULTS = new DecoderLimits(16 * MIB, 64 * MIB, 1000, MIB, 64, 100_000,
        (int) MIB, 1_000_000L, 100, 8, 2, 100);

    public DecoderLimits {
        positive(MAX_INPUT_BYTES, maxInputBytes);
        positive(MAX_DECOMPRESSED_BYTES, maxDecompressedBytes);
        positive(MAX_COMPRESSION_RATIO, maxCompressionRatio);
        positive(RATIO_FLOOR_BYTES, ratioFloorBytes);
        positive(MAX_JSON_DEPTH, maxJsonDepth);
        positive(MAX_JSON_ARRAY_LENGTH, maxJsonArrayLength);
        positive(MAX_JSON_STRING_LENGTH, maxJsonStringLength);
        positive(MAX_JSON_TOKENS, maxJsonTokens);
        positive(MAX_MIME_PARTS, maxMimeParts);
        positive(MAX_MIME_DEPTH, maxMimeDepth);
        positive(MAX_ARCHIVE_DEPTH, maxArchiveDepth);
        positive(MAX_ARCHIVE_ENTRIES, maxArchiveEntries);
    }

    /** The defaults listed in the class comment. */
    public static DecoderLimits defaults() {
        return DEFAULTS;
    }

    /**
     * Limits from configuration: keys absent take their default; an unknown {@code decoder.max.*}
     * key or a value that is not a positive number is an {@link IllegalArgumentException}. Other keys
     * are ignored, so the whole application configuration can be passed.
     */
    public static DecoderLimits fromMap(Map<String, String> config) {
        Map<String, String> known = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : config.entrySet()) {
            String key = entry.getKey();
            if (key != null && key.startsWith("decoder.")) {
                if (!keys().containsKey(key)) {
                    throw new IllegalArgumentException("unknown decoder limit '" + key + "'; known: " + keys().keySet());
                }
                known.put(key, entry.getValue());
            }
        }
        DecoderLimits d = DEFAULTS;
        return new DecoderLimits(
            size(known, MAX_INPUT_BYTES, d.maxInputBytes),
            size(known, MAX_DECOMPRESSED_BYTES, d.maxDecompressedBytes),
            size(known, MAX_COMPRESSION_RATIO, d.maxCompressionRatio),
            size(known, RATIO_FLOOR_BYTES, d.ratioFloorBytes),
            toInt(MAX_JSON_DEPTH, size(known, MAX_JSON_DEPTH, d.maxJsonDepth)),
            toInt(MAX_JSON_ARRAY_LENGTH, size(known, MAX_JSON_ARRAY_LENGTH, d.maxJsonArrayLength)),
            toInt(MAX_JSON_STRING_LENGTH, size(known, MAX_JSON_STRING_LENGTH, d.maxJsonStringLength)),
            size(known, MAX_JSON_TOKENS, d.maxJsonTokens),
            toInt(MAX_MIME_PARTS, size(known, MAX_MIME_PARTS, d.maxMimeParts)),
            toInt(MAX_MIME_DEPTH, size(known, MAX_MIME_DEPTH, d.maxMimeDepth)),
            toInt(MAX_ARCHIVE_DEPTH, size(known, MAX_ARCHIVE_DEPTH, d.maxArchiveDepth)),
            toInt(MAX_ARCHIVE_ENTRIES, size(known, MAX_ARCHIVE_ENTRIES, d.maxArchiveEntries)));
    }

    /**
     * Like {@link #fromMap} with environment variables ({@code TLSRPT_DECODER_MAX_INPUT_BYTES}, ...)
     * overriding the configuration.
     */
    public static DecoderLimits fromConfigAndEnvironment(Map<String, String> config, Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>(config);
        for (String key : keys().keySet()) {
            String value = env.get(environmentVariable(key));
            if (value != null && !value.isBlank()) {
                merged.put(key, value);
            }
        }
        return fromMap(merged);
    }

    /** The environment variable that overrides a key: {@code decoder.max.input.bytes} -> {@code TLSRPT_DECODER_MAX_INPUT_BYTES}. */
    public static String environmentVariable(String key) {
        return "TLSRPT_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Every key with its default value, in documentation order. */
    public static Map<String, String> keys() {
        DecoderLimits d = DEFAULTS;
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(MAX_INPUT_BYTES, Long.toString(d.maxInputBytes));
        keys.put(MAX_DECOMPRESSED_BYTES, Long.toString(d.maxDecompressedBytes));
        keys.put(MAX_COMPRESSION_RATIO, Long.toString(d.maxCompressionRatio));
        keys.put(RATIO_FLOOR_BYTES, Long.toString(d.ratioFloorBytes));
        keys.put(MAX_JSON_DEPTH, Integer.toString(d.maxJsonDepth));
        keys.put(MAX_JSON_ARRAY_LENGTH, Integer.toString(d.maxJsonArrayLength));
        keys.put(MAX_JSON_STRING_LENGTH, Integer.toString(d.maxJsonStringLength));
        keys.put(MAX_JSON_TOKENS, Long.toString(d.maxJsonTokens));
        keys.put(MAX_MIME_PARTS, Integer.toString(d.maxMimeParts));
        keys.put(MAX_MIME_DEPTH, Integer.toString(d.maxMimeDepth));
        keys.put(MAX_ARCHIVE_DEPTH, Integer.toString(d.maxArchiveDepth));
        keys.put(MAX_ARCHIVE_ENTRIES, Integer.toString(d.maxArchiveEntries));
        return keys;
    }

    /** A key's default as written in a configuration (16m rather than 16777216) and one line about it. */
    public record Documented(String defaultValue, String doc) {
    }

    /** Every key documented, in documentation order: what the processor's configuration reference lists. */
    public static Map<String, Documented> documentation() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put(MAX_INPUT_BYTES, "Largest raw input (a mail, a JSON body, an archive); larger is rejected as "
            + "too-large. Sizes take k, m or g (binary units).");
        docs.put(MAX_DECOMPRESSED_BYTES, "Decompressed bytes of one input, all gzip/zip layers and entries together; "
            + "more is decompression-limit.");
        docs.put(MAX_COMPRESSION_RATIO, "Largest decompressed/compressed ratio, enforced once " + RATIO_FLOOR_BYTES
            + " came out of a decompressor (a gzip bomb is cut early).");
        docs.put(RATIO_FLOOR_BYTES, "Decompressed bytes after which the ratio is enforced (small inputs compress "
            + "well).");
        docs.put(MAX_JSON_DEPTH, "JSON nesting depth; deeper is json-limit.");
        docs.put(MAX_JSON_ARRAY_LENGTH, "Elements of any JSON array of a report, checked as each element is read.");
        docs.put(MAX_JSON_STRING_LENGTH, "Characters of one JSON string.");
        docs.put(MAX_JSON_TOKENS, "JSON tokens of one payload, counted as they are read: some 12 MB of report JSON; "
            + "it bounds the memory a hostile payload costs.");
        docs.put(MAX_MIME_PARTS, "MIME parts of one mail, all levels together; more is mime-limit.");
        docs.put(MAX_MIME_DEPTH, "Nesting of multiparts and attached messages.");
        docs.put(MAX_ARCHIVE_DEPTH, "gzip/zip layers around the JSON (a zip of .json.gz is 2); more is archive-limit.");
        docs.put(MAX_ARCHIVE_ENTRIES, "Entries of one zip archive.");
        Map<String, Documented> documented = new LinkedHashMap<>();
        keys().forEach((key, defaultValue) ->
            documented.put(key, new Documented(written(Long.parseLong(defaultValue)), docs.get(key))));
        return documented;
    }

    /** A size as one would write it: whole mebibytes or kibibytes with m or k, anything else as it is. */
    static String written(long value) {
        if (value % MIB == 0) {
            return value / MIB + "m";
        }
        return value % 1024 == 0 ? value / 1024 + "k" : Long.toString(value);
    }

    private static long size(Map<String, String> config, String key, long fallback) {
        String raw = config.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String text = raw.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = text.charAt(text.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1024L : last == 'm' ? MIB : 1024L * MIB;
            text = text.substring(0, text.length() - 1).trim();
        }
        try {
            long value = Math.multiplyExact(Long.parseLong(text), unit);
            positive(key, value);
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be a positive whole number (optionally with k, m or g), got '"
                + raw + "'", e);
        }
    }

    private static int toInt(String key, long value) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be at most " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
