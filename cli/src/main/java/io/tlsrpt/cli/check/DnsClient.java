package io.tlsrpt.cli.check;

import io.tlsrpt.connect.dns.Resolvers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends single queries to a recursive resolver with dnsjava ({@link Resolvers}: UDP first, TCP when the answer is
 * truncated, EDNS0), the AD flag set so that a validating resolver says whether it authenticated the answer.
 */
public final class DnsClient {

    private static final Logger LOG = LoggerFactory.getLogger(DnsClient.class);

    private final Resolver resolver;
    private final String description;

    private DnsClient(Resolvers resolvers) {
        this.resolver = resolvers.resolver();
        this.description = resolvers.description();
    }

    /** The resolvers of the system configuration (/etc/resolv.conf on Linux). */
    public static DnsClient system(Duration timeout) {
        return new DnsClient(Resolvers.system(timeout));
    }

    /** One given resolver. */
    public static DnsClient at(InetSocketAddress server, Duration timeout) {
        return new DnsClient(Resolvers.at(server, timeout));
    }

    /** Which resolver answers, for messages. */
    public String description() {
        return description;
    }

    /** Asks for the records of one type at an absolute name (a trailing dot is added when missing). */
    public DnsAnswer query(String name, int type) {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (IOException e) {
            LOG.debug("cannot query {}", name, e);
            return new DnsAnswer(DnsAnswer.Outcome.BAD_NAME, List.of(), false,
                "'" + name + "' is not a valid DNS name (" + e.getMessage() + ")");
        }
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        Message response;
        try {
            response = resolver.send(query);
        } catch (IOException e) {
            LOG.debug("query {} {} failed", name, Type.string(type), e);
            if (isTimeout(e)) {
                return new DnsAnswer(DnsAnswer.Outcome.TIMEOUT, List.of(), false,
                    "no answer from the " + description + " within " + resolver.getTimeout().toSeconds() + " s");
            }
            String what = e instanceof PortUnreachableException ? "connection refused (nothing listens there)" : e.toString();
            return new DnsAnswer(DnsAnswer.Outcome.NETWORK_ERROR, List.of(), false,
                "could not reach the " + description + ": " + what);
        }
        boolean ad = response.getHeader().getFlag(Flags.AD);
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new DnsAnswer(DnsAnswer.Outcome.NXDOMAIN, List.of(), ad, "NXDOMAIN");
        }
        if (rcode != Rcode.NOERROR) {
            return new DnsAnswer(DnsAnswer.Outcome.SERVER_FAILURE, List.of(), ad,
                "the " + description + " answered " + Rcode.string(rcode));
        }
        List<Record> records = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                records.add(r);
            }
        }
        return new DnsAnswer(records.isEmpty() ? DnsAnswer.Outcome.NODATA : DnsAnswer.Outcome.ANSWER, records, ad,
            records.isEmpty() ? "no " + Type.string(type) + " record" : "");
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return e.getMessage() != null && e.getMessage().startsWith("Timed out");
    }
}
