package io.tlsrpt.cli.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/** One TXT record as published: its character-strings and their concatenation (RFC 8460 and 8461 join them). */
public record TxtRecords(List<String> strings, String text) {

    public TxtRecords {
        strings = List.copyOf(strings);
    }

    /** The TXT records of an answer, strings decoded as UTF-8 (the records are ASCII when well-formed). */
    static List<TxtRecords> of(List<Record> records) {
        List<TxtRecords> out = new ArrayList<>();
        for (Record r : records) {
            if (r instanceof TXTRecord txt) {
                List<String> strings = new ArrayList<>();
                for (byte[] bytes : txt.getStringsAsByteArrays()) {
                    strings.add(new String(bytes, StandardCharsets.UTF_8));
                }
                out.add(new TxtRecords(strings, String.join("", strings)));
            }
        }
        return out;
    }
}
