package io.tlsrpt.cli.digest;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/**
 * A digest as Markdown: readable as plain text, and as a page once a mail client or a wiki renders it (a provider
 * sends each customer its week).
 */
final class DigestMarkdown {

    private static final String MARKDOWN_SPECIAL = "\\|`*_[]<>";

    private DigestMarkdown() {
    }

    static void print(Digest digest, PrintWriter out) {
        out.println("# " + escape(DigestText.title(digest)));
        out.println();
        out.println(escape(DigestText.sessions(digest)));
        out.println(escape(DigestText.incidents(digest)));
        table(out, DigestText.DOMAINS_HEADING, DigestText.DOMAIN_COLUMNS, DigestText.NUMERIC_DOMAIN_COLUMNS,
            digest.summaries(), DigestText::row);
        table(out, DigestText.INCIDENTS_HEADING, DigestText.INCIDENT_COLUMNS, DigestText.NUMERIC_INCIDENT_COLUMNS,
            digest.incidents(), DigestText::row);
        if (!digest.withoutReports().isEmpty()) {
            out.println();
            out.println("## " + DigestText.WITHOUT_REPORTS_HEADING);
            out.println();
            // only counts and dates besides the words: printed as is, so the record's name reads as text
            out.println(DigestText.withoutReports(digest));
            out.println();
            digest.withoutReports().forEach(domain -> out.println("- " + escape(domain)));
        }
        out.flush();
    }

    private static <T> void table(PrintWriter out, String heading, List<String> columns, List<Boolean> numeric,
                                  List<T> rows, Function<T, List<String>> cells) {
        if (rows.isEmpty()) {
            return;
        }
        out.println();
        out.println("## " + heading);
        out.println();
        out.println(line(columns));
        out.println("|" + String.join("|", numeric.stream().map(right -> right ? "---:" : "---").toList()) + "|");
        for (T row : rows) {
            out.println(line(cells.apply(row).stream().map(DigestMarkdown::escape).toList()));
        }
    }

    private static String line(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    /**
     * {@code text} as Markdown shows it verbatim: the characters that would end a table cell, open a link, an emphasis
     * or an HTML tag are escaped. Domains and result types come from reports anyone may send; the normaliser has
     * already replaced their control characters.
     */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean special = MARKDOWN_SPECIAL.indexOf(c) >= 0;
            if (special && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                out.append(special ? "\\" : "").append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
