package io.tlsrpt.cli.digest;

import io.tlsrpt.processor.served.ListFile;
import io.tlsrpt.processor.served.ServedDomains;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who receives each tenant's digest, from a file of lines {@code TENANT ADDRESS[, ADDRESS...]} ({@code #} starts a
 * comment; a tenant named on several lines gets every address): the tenant names of the processor's served-domains
 * file, the addresses as RFC 5322 mailboxes.
 */
public final class DigestRecipients {

    private DigestRecipients() {
    }

    /**
     * The file's recipients by tenant, in the file's order.
     *
     * @throws IllegalArgumentException naming the line, for a bad tenant name or address, or a line without address
     */
    public static Map<String, List<InternetAddress>> read(Path file) throws IOException {
        Map<String, List<InternetAddress>> recipients = new LinkedHashMap<>();
        for (ListFile.Entry entry : ListFile.entries(Files.readString(file, StandardCharsets.UTF_8))) {
            String where = file + " line " + entry.line();
            String[] parts = entry.text().split("\\s+", 2);
            if (!ServedDomains.isTenantName(parts[0])) {
                throw new IllegalArgumentException(where + ": '" + parts[0] + "' is not a tenant name (letters, digits, "
                    + "'.', '_', '-', up to 64)");
            }
            if (parts.length < 2) {
                throw new IllegalArgumentException(where + ": tenant " + parts[0] + " has no address");
            }
            try {
                List<InternetAddress> addresses = recipients.computeIfAbsent(parts[0], t -> new ArrayList<>());
                for (InternetAddress address : InternetAddress.parse(parts[1], true)) {
                    address.validate();
                    addresses.add(address);
                }
            } catch (AddressException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        recipients.replaceAll((tenant, addresses) -> List.copyOf(addresses));
        return Collections.unmodifiableMap(recipients);
    }
}
