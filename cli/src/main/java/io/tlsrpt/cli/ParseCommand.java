package io.tlsrpt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.decode.DecodeHints;
import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.DecoderLimits;
import io.tlsrpt.processor.decode.RejectReason;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.AvroJson;
import io.tlsrpt.schema.TlsReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tlsrpt parse FILE...}: decodes report files (mails, .json, .json.gz, .zip) and prints one
 * JSON line per file, in input order:
 * {@code {"file": ..., "status": "ok"|"rejected", "reason": ..., "message": ..., "reports": [...]}}.
 * Exit 0 when every file held a report, 1 when any was rejected, 2 on usage errors.
 */
@Command(
    name = "parse",
    mixinStandardHelpOptions = true,
    description = {
        "Decode TLS-RPT reports (RFC 5322 mails, .json, .json.gz, .zip) and print one JSON line per file: "
            + "{\"file\", \"status\": \"ok\"|\"rejected\", \"reason\", \"message\", \"reports\": [...]}.",
        "Exit codes: 0 every file held a report, 1 some file was rejected, 2 usage error."
    })
public final class ParseCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "report files; '-' reads standard input")
    List<String> files;

    @Option(names = "--limit", paramLabel = "KEY=VALUE",
        description = "a decoder limit, repeatable, e.g. --limit decoder.max.input.bytes=32m "
            + "(keys as documented in DecoderLimits; TLSRPT_DECODER_* environment variables override)")
    Map<String, String> limits = new LinkedHashMap<>();

    @Override
    public Integer call() {
        DecoderLimits decoderLimits;
        try {
            decoderLimits = DecoderLimits.fromConfigAndEnvironment(limits, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ReportDecoder decoder = new ReportDecoder(decoderLimits);
        PrintWriter out = spec.commandLine().getOut();
        boolean allOk = true;
        for (String file : files) {
            ObjectNode line = parse(decoder, file);
            allOk &= "ok".equals(line.get("status").asText());
            out.println(toJson(line));
            out.flush();
        }
        return allOk ? 0 : 1;
    }

    private ObjectNode parse(ReportDecoder decoder, String file) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("file", file);
        byte[] raw;
        try {
            raw = read(file, decoder.limits().maxInputBytes());
        } catch (TooLarge e) {
            return rejected(line, RejectReason.TOO_LARGE, e.getMessage());
        } catch (IOException | InvalidPathException | SecurityException e) {
            return rejected(line, RejectReason.UNREADABLE, "cannot read " + file + ": " + e);
        }
        String fileName = "-".equals(file) ? null : fileNameOf(file);
        DecodeHints hints = new DecodeHints(null, fileName, "cli", null, file, sha256(raw));
        DecodeResult result = decoder.decode(raw, hints);
        if (result instanceof DecodeResult.Rejected rejected) {
            return rejected(line, rejected.reason(), rejected.message());
        }
        line.put("status", "ok");
        ArrayNode reports = line.putArray("reports");
        for (TlsReport report : ((DecodeResult.Decoded) result).reports()) {
            reports.add(AvroJson.toTree(report));
        }
        return line;
    }

    private static ObjectNode rejected(ObjectNode line, RejectReason reason, String message) {
        line.put("status", "rejected");
        line.put("reason", reason.code());
        line.put("message", message);
        line.putArray("reports");
        return line;
    }

    /** Reads at most {@code max} bytes: a huge file is rejected without loading it. */
    private static byte[] read(String file, long max) throws IOException {
        try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
            if (data.length > max) {
                throw new TooLarge(file + " is larger than " + max + " bytes (" + DecoderLimits.MAX_INPUT_BYTES + ")");
            }
            return data;
        }
    }

    private static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String fileNameOf(String file) {
        try {
            Path name = Path.of(file).getFileName();
            return name == null ? file : name.toString();
        } catch (InvalidPathException e) {
            return file;
        }
    }

    private static String toJson(ObjectNode line) {
        try {
            return MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            // a tree of plain nodes always serialises
            throw new IllegalStateException("cannot render parse output", e);
        }
    }

    /** A file over the input limit. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }
}
