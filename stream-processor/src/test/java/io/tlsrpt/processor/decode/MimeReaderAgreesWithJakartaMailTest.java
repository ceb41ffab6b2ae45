package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.activation.DataHandler;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MIME reader against Jakarta Mail (angus-mail, which the decoder used before; test scope only): for the real
 * mails, fixture mails and mails Jakarta Mail writes from random subjects, file names and bodies, both must see
 * the same subject, the same leaves in the same order, with the same media types, file names and decoded bodies.
 */
class MimeReaderAgreesWithJakartaMailTest {

    private static final Session SESSION = session();

    /** One leaf of a mail as a reader sees it. */
    private record Leaf(String type, String fileName, String body) {
    }

    /** A mail as a reader sees it: subject and leaves. */
    private record View(String subject, List<Leaf> leaves) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"google-2024-09-15.eml", "mailru-2023-01-25.eml", "microsoft-2024-09-13-sts-tlsa.eml",
        "not-a-report-cron-mail.eml"})
    void realMails(String file) throws Exception {
        byte[] raw = Corpus.real(file);
        assertThat(ours(raw)).isEqualTo(jakarta(raw));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void fixtureMails(int variant) throws Exception {
        byte[] gz = Fixtures.gzip(Fixtures.baseReport());
        byte[] raw = switch (variant) {
            case 0 -> Fixtures.mail().humanHtml().gzipReport(Fixtures.baseReport())
                .part("text/plain", null, "quoted-printable", Fixtures.utf8("caf\u00e9 = trailing  \r\nline")).bytes();
            case 1 -> Fixtures.mail().contentType("multipart/mixed; boundary=\"%s\"").boundary("fwd").humanText()
                .part("message/rfc822", null, "7bit", Fixtures.mail().humanText().gzipReport(Fixtures.baseReport())
                    .bytes()).bytes();
            case 2 -> Fixtures.mail().header("Subject", "=?UTF-8?Q?Report_Domain:_caf=C3=A9?= =?UTF-8?B?LmV4YW1wbGU=?=")
                .humanText().rawPart("Content-Type: application/octet-stream;\r\n name*0=\"a-\";\r\n name*1=\"b.gz\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n" + Fixtures.MailBuilder.encode(gz, "base64")).bytes();
            default -> Fixtures.mail().contentType("MULTIPART/REPORT; REPORT-TYPE=TLSRPT; BOUNDARY=\"%s\"").humanText()
                .part("APPLICATION/TLSRPT+GZIP", "r.json.gz", "BASE64", gz).bytes();
        };
        assertThat(ours(raw)).isEqualTo(jakarta(raw));
    }

    @Property(seed = "8460", tries = 200)
    void mailsWrittenByJakartaMail(@ForAll("texts") String subject, @ForAll("texts") String fileName,
                                   @ForAll @Size(max = 400) byte[] body, @ForAll boolean base64) throws Exception {
        MimeMessage message = new MimeMessage(SESSION);
        message.setSubject(subject, "UTF-8");
        message.setFrom(new InternetAddress("noreply@reporter.example", subject, "UTF-8"));
        jakarta.mail.internet.MimeMultipart multipart = new jakarta.mail.internet.MimeMultipart("report");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("An aggregate report.\r\n", "us-ascii");
        multipart.addBodyPart(text);
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(body, "application/tlsrpt+gzip")));
        attachment.setFileName(fileName.isBlank() ? "r.json.gz" : fileName);
        attachment.setHeader("Content-Transfer-Encoding", base64 ? "base64" : "quoted-printable");
        multipart.addBodyPart(attachment);
        message.setContent(multipart);
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        byte[] raw = out.toByteArray();

        View ours = ours(raw);
        assertThat(ours).isEqualTo(jakarta(raw));
        assertThat(ours.subject()).isEqualTo(subject.trim());
        if (base64) {  // Jakarta Mail's quoted-printable writer turns a lone LF or CR of the data into CRLF
            assertThat(ours.leaves().get(1).body()).isEqualTo(new String(body, StandardCharsets.ISO_8859_1));
        }
    }

    @Provide
    Arbitrary<String> texts() {
        // printable ASCII without '?' (no accidental encoded words), and some letters from beyond Latin-1
        return Arbitraries.strings().withCharRange(' ', '>').withCharRange('@', '~')
            .withChars('\u00e9', '\u00fc', '\u20ac', '\u4e2d', '!').ofMaxLength(120);
    }

    private static View ours(byte[] raw) throws Exception {
        MimeEntity message = MimeEntity.parse(raw, 0, raw.length);
        List<Leaf> leaves = new ArrayList<>();
        collect(message, leaves);
        return new View(MailFacts.of(message.headers()).subject(), leaves);
    }

    private static void collect(MimeEntity part, List<Leaf> leaves) throws Exception {
        if (part.isMultipart()) {
            for (MimeEntity child : part.parts(100)) {
                collect(child, leaves);
            }
        } else if (part.isMessage()) {
            collect(part.message(), leaves);
        } else {
            TransferDecoding.Body body = part.body();
            leaves.add(new Leaf(part.baseType(), part.fileName(), new String(body.array(), body.offset(), body.length(),
                StandardCharsets.ISO_8859_1)));
        }
    }

    private static View jakarta(byte[] raw) throws Exception {
        MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        List<Leaf> leaves = new ArrayList<>();
        collect(message, leaves);
        String subject = message.getSubject();
        return new View(subject == null ? null : MimeUtility.unfold(subject).trim(), leaves);
    }

    private static void collect(Part part, List<Leaf> leaves) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), leaves);
            }
        } else if (part.isMimeType("message/rfc822")) {
            collect((Part) part.getContent(), leaves);
        } else {
            String name = part.getFileName();
            name = name == null ? null : MimeUtility.decodeText(MimeUtility.unfold(name)).trim();
            String type = part.getContentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
            byte[] body = part.getInputStream().readAllBytes();
            leaves.add(new Leaf(type, name, new String(body, StandardCharsets.ISO_8859_1)));
        }
    }

    private static Session session() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        properties.setProperty("mail.mime.multipart.allowempty", "true");
        return Session.getInstance(properties);
    }
}
