package io.tlsrpt.connect.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/**
 * dnsjava resolvers as the project's DNS clients use them (the DKIM key lookups, {@code tlsrpt check-record}): UDP
 * first, TCP when an answer is truncated (dnsjava's {@link SimpleResolver} does it), EDNS0 with the DNS flag day
 * 2020's payload size, and a timeout per query.
 *
 * @param resolver    the configured resolver
 * @param description which resolver answers, for messages
 */
public record Resolvers(Resolver resolver, String description) {

    /** EDNS0 UDP payload size recommended by the DNS flag day 2020. */
    private static final int EDNS_PAYLOAD = 1232;

    /** The resolvers of the system configuration (/etc/resolv.conf on Linux), tried in turn, one retry. */
    public static Resolvers system(Duration timeout) {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        ExtendedResolver resolver = new ExtendedResolver(servers.stream().<Resolver>map(SimpleResolver::new).toList());
        resolver.setRetries(1);
        return configure(resolver, timeout, "system resolver " + servers);
    }

    /** One given resolver. */
    public static Resolvers at(InetSocketAddress server, Duration timeout) {
        return configure(new SimpleResolver(server), timeout, "resolver " + server.getHostString() + ":" + server.getPort());
    }

    private static Resolvers configure(Resolver resolver, Duration timeout, String description) {
        resolver.setTimeout(timeout);
        resolver.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
        return new Resolvers(resolver, description);
    }
}
