package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Parses a JSON payload into reports with Jackson's tree model under {@link StreamReadConstraints}
 * built from {@link DecoderLimits} (depth, string length, tokens, document length) and the array-length
 * and duplicate-key rules of {@link JsonTreeBuilder}, so that hostile JSON is stopped while it is read,
 * before it can build a large tree. Thread-safe: the factory is shared.
 *
 * <p>A payload normally holds one report object. Also accepted (and recorded): a top-level array of
 * report objects, several concatenated objects, and trailing bytes after the last complete object.
 */
final class ReportJsonReader {

    private final JsonFactory factory;
    private final JsonTreeBuilder trees;
    private final ReportNormaliser normaliser;

    ReportJsonReader(DecoderLimits limits) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxJsonDepth())
            .maxStringLength(limits.maxJsonStringLength())
            .maxNameLength(Math.min(limits.maxJsonStringLength(), 50_000))
            .maxNumberLength(1000)
            .maxTokenCount(limits.maxJsonTokens())
            .maxDocumentLength(limits.maxDecompressedBytes() + limits.maxInputBytes())
            .build();
        this.factory = JsonFactory.builder()
            .streamReadConstraints(constraints)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
        this.trees = new JsonTreeBuilder(limits.maxJsonArrayLength());
        this.normaliser = new ReportNormaliser(factory, trees);
    }

    /** Reads every report of the payload; the stream is closed. */
    List<DraftReport> read(InputStream in, DecodeContext context) throws IOException {
        context.stage(DecodeContext.Stage.JSON);
        try (JsonParser parser = factory.createParser(in)) {
            return read(parser, context);
        }
    }

    /** Reads a payload that is already in memory. */
    List<DraftReport> read(byte[] json, int offset, int length, DecodeContext context) throws IOException {
        context.stage(DecodeContext.Stage.JSON);
        try (JsonParser parser = factory.createParser(json, offset, length)) {
            return read(parser, context);
        }
    }

    private List<DraftReport> read(JsonParser parser, DecodeContext context) throws IOException {
        List<JsonNode> roots = new ArrayList<>(1);
        boolean trailingData = false;
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new DecodeFailure(RejectReason.NOT_JSON, "the payload holds no JSON value");
        }
        roots.add(trees.read(parser));
        while (true) {
            try {
                token = parser.nextToken();
            } catch (JsonParseException garbage) {
                trailingData = true;
                break;
            }
            if (token == null) {
                break;
            }
            if (token != JsonToken.START_OBJECT) {
                trailingData = true;
                break;
            }
            try {
                roots.add(trees.read(parser));
            } catch (JsonParseException brokenTail) {
                trailingData = true;
                break;
            }
        }
        return normalise(roots, trailingData, context);
    }

    private List<DraftReport> normalise(List<JsonNode> roots, boolean trailingData, DecodeContext context)
        throws DecodeFailure {
        context.stage(DecodeContext.Stage.NORMALISE);
        List<JsonNode> reports;
        boolean multiple = roots.size() > 1;
        if (roots.size() == 1 && roots.get(0).isArray()) {
            JsonNode array = roots.get(0);
            if (array.isEmpty()) {
                throw new DecodeFailure(RejectReason.NOT_A_REPORT, "the JSON is an empty array");
            }
            reports = new ArrayList<>(array.size());
            array.forEach(reports::add);
            multiple = true;
        } else {
            reports = roots;
        }
        List<DraftReport> drafts = new ArrayList<>(reports.size());
        DecodeFailure firstFailure = null;
        for (JsonNode node : reports) {
            DraftReport draft;
            try {
                draft = normaliser.normalise(node, context);
            } catch (DecodeFailure failure) {
                if (!multiple || failure.isFatal()) {
                    throw failure;
                }
                // one bad element of several: keep the others, record it on them
                firstFailure = firstFailure == null ? failure : firstFailure;
                continue;
            }
            EnumSet<Deviation> deviations = draft.deviations();
            if (multiple) {
                deviations.add(Deviation.MULTIPLE_REPORTS_IN_PAYLOAD);
            }
            if (trailingData) {
                deviations.add(Deviation.TRAILING_DATA);
            }
            drafts.add(draft);
        }
        if (firstFailure != null) {
            if (drafts.isEmpty()) {
                throw firstFailure;
            }
            org.slf4j.LoggerFactory.getLogger(ReportJsonReader.class)
                .debug("skipped a report of a multi-report payload: {}", firstFailure.getMessage());
            drafts.forEach(d -> d.deviations().add(Deviation.UNDECODABLE_PART_SKIPPED));
        }
        return drafts;
    }
}
