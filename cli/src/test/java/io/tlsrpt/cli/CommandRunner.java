package io.tlsrpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code tlsrpt ...} in-process, as bin/tlsrpt would, and captures what it prints. */
public final class CommandRunner {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public record Run(int exit, String out, String err) {
        /** Standard output as JSON lines (blank lines ignored). */
        public java.util.List<JsonNode> jsonLines() {
            java.util.List<JsonNode> lines = new java.util.ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    try {
                        lines.add(MAPPER.readTree(line));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new AssertionError("not a JSON line: " + line + "\nstderr: " + err, e);
                    }
                }
            }
            return lines;
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    private CommandRunner() {
    }

    public static Run run(String... args) {
        CommandLine cmd = TlsRptCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
