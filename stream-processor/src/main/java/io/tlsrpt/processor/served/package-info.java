/**
 * The policy domains an installation receives reports for ({@code served.domains}, {@code served.domains.file}):
 * {@link io.tlsrpt.processor.served.ServedDomains} matches a domain against the list, and
 * {@link io.tlsrpt.processor.served.ServedDomainsFile} reads the list from a file and re-reads it when it changes.
 * A report about none of them is dead-lettered as {@code unserved-policy-domain} by the decode stage. Knows nothing
 * of Kafka.
 */
package io.tlsrpt.processor.served;
