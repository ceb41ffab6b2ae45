package io.tlsrpt.cli.digest;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/**
 * A digest as one self-contained HTML page, the body of the mail a provider sends each customer: no script, no
 * external resource, styles inline (mail clients drop style sheets), every text escaped (domains and result types
 * come from reports anyone may send). Well-formed XML too, so a template engine or an XSLT can take it apart.
 */
final class DigestHtml {

    private static final String CELL = "padding:4px 8px;border:1px solid #d0d7de;";
    private static final String HEAD = CELL + "background:#f6f8fa;text-align:left;";

    private DigestHtml() {
    }

    static void print(Digest digest, PrintWriter out) {
        String title = escape(DigestText.title(digest));
        out.println("<!DOCTYPE html>");
        out.println("<html lang=\"en\">");
        out.println("<head><meta charset=\"utf-8\"/><title>" + title + "</title></head>");
        out.println("<body style=\"font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328;\">");
        out.println("<h1 style=\"font-size:20px;\">" + title + "</h1>");
        out.println("<p>" + escape(DigestText.sessions(digest)) + "<br/>" + escape(DigestText.incidents(digest))
            + "</p>");
        table(out, DigestText.DOMAINS_HEADING, DigestText.DOMAIN_COLUMNS, DigestText.NUMERIC_DOMAIN_COLUMNS,
            digest.summaries(), DigestText::row);
        table(out, DigestText.INCIDENTS_HEADING, DigestText.INCIDENT_COLUMNS, DigestText.NUMERIC_INCIDENT_COLUMNS,
            digest.incidents(), DigestText::row);
        if (!digest.withoutReports().isEmpty()) {
            out.println("<h2 style=\"font-size:16px;\">" + escape(DigestText.WITHOUT_REPORTS_HEADING) + "</h2>");
            out.println("<p>" + escape(DigestText.withoutReports(digest)) + "</p>");
            out.println("<ul>");
            digest.withoutReports().forEach(domain -> out.println("<li>" + escape(domain) + "</li>"));
            out.println("</ul>");
        }
        out.println("</body>");
        out.println("</html>");
        out.flush();
    }

    private static <T> void table(PrintWriter out, String heading, List<String> columns, List<Boolean> numeric,
                                  List<T> rows, Function<T, List<String>> cells) {
        if (rows.isEmpty()) {
            return;
        }
        out.println("<h2 style=\"font-size:16px;\">" + escape(heading) + "</h2>");
        out.println("<table style=\"border-collapse:collapse;\">");
        StringBuilder head = new StringBuilder("<tr>");
        for (String column : columns) {
            head.append("<th style=\"").append(HEAD).append("\">").append(escape(column)).append("</th>");
        }
        out.println(head.append("</tr>"));
        for (T row : rows) {
            StringBuilder line = new StringBuilder("<tr>");
            List<String> values = cells.apply(row);
            for (int c = 0; c < values.size(); c++) {
                line.append("<td style=\"").append(CELL).append(numeric.get(c) ? "text-align:right;" : "")
                    .append("\">").append(escape(values.get(c))).append("</td>");
            }
            out.println(line.append("</tr>"));
        }
        out.println("</table>");
    }

    /** {@code text} as HTML shows it verbatim, in element content and in quoted attributes. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
