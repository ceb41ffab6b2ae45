package io.tlsrpt.connect.dkim;

import io.tlsrpt.connect.dns.Resolvers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DKIM key records from DNS (dnsjava): one TXT query per selector, answers kept for their TTL (at most an hour,
 * negative answers five minutes) in a bounded cache, since a sender signs a day's reports with one selector. A
 * timeout, a refused connection or a SERVFAIL is a temperror; NXDOMAIN and no TXT record are an empty answer. A
 * temperror is remembered for a minute too: while DNS is down, a sender's batch of mails must not wait out the
 * timeout one mail after another (the mails are written with their temperror verdict, and can be replayed).
 */
public final class DnsDkimKeys implements DkimKeys {

    private static final int CACHE_ENTRIES = 1_000;
    private static final Duration MAX_TTL = Duration.ofHours(1);
    private static final Duration NEGATIVE_TTL = Duration.ofMinutes(5);
    private static final Duration FAILURE_TTL = Duration.ofMinutes(1);

    /** An answer, or ({@code failure} not null) why there was none, until {@code until}. */
    private record Cached(List<String> records, String failure, Instant until) {
    }

    private final Resolver resolver;
    private final String description;
    private final Clock clock;
    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private DnsDkimKeys(Resolvers resolvers, Clock clock) {
        this.resolver = resolvers.resolver();
        this.description = "the " + resolvers.description();
        this.clock = clock;
    }

    /** The resolvers of the system configuration (/etc/resolv.conf). */
    public static DnsDkimKeys system(Duration timeout) {
        return new DnsDkimKeys(Resolvers.system(timeout), Clock.systemUTC());
    }

    /** One given resolver. */
    public static DnsDkimKeys at(InetSocketAddress server, Duration timeout) {
        return new DnsDkimKeys(Resolvers.at(server, timeout), Clock.systemUTC());
    }

    @Override
    public List<String> txt(String name) throws DkimException {
        Instant now = clock.instant();
        synchronized (cache) {
            Cached hit = cache.get(name);
            if (hit != null && now.isBefore(hit.until())) {
                if (hit.failure() != null) {
                    throw DkimException.temp(hit.failure() + " (less than " + FAILURE_TTL.toSeconds()
                            + " s ago; not asked again yet)", null);
                }
                return hit.records();
            }
        }
        Message response;
        try {
            Name qname = Name.fromString(name.endsWith(".") ? name : name + ".");
            response = resolver.send(Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN)));
        } catch (IOException e) {
            throw failed(name, now, "DNS: no answer for " + name + " from " + description + " (" + e.getMessage()
                    + ")", e);
        }
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw failed(name, now, "DNS: " + description + " answered " + Rcode.string(rcode) + " for " + name,
                    null);
        }
        List<String> records = new ArrayList<>();
        long ttl = MAX_TTL.toSeconds();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt) {
                StringBuilder joined = new StringBuilder();
                txt.getStringsAsByteArrays().forEach(b -> joined.append(new String(b, StandardCharsets.ISO_8859_1)));
                records.add(joined.toString());
                ttl = Math.min(ttl, r.getTTL());
            }
        }
        Duration keep = records.isEmpty() ? NEGATIVE_TTL : Duration.ofSeconds(ttl);
        synchronized (cache) {
            cache.put(name, new Cached(List.copyOf(records), null, now.plus(keep)));
        }
        return records;
    }

    private DkimException failed(String name, Instant now, String why, Throwable cause) {
        synchronized (cache) {
            cache.put(name, new Cached(List.of(), why, now.plus(FAILURE_TTL)));
        }
        return DkimException.temp(why, cause);
    }
}
