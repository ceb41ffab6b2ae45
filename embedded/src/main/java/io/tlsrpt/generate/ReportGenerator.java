package io.tlsrpt.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Generates realistic raw TLS-RPT inputs, deterministically from {@link GeneratorSettings}: for every day and every
 * domain one report from each of three reporters (a Google mail, a Microsoft mail and an smtp-tls-reporting HTTPS
 * body), mostly healthy with a low background of failures, plus the injected {@link Scenario}s.
 *
 * <pre>{@code
 * ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults()
 *     .withScenarios(List.of(Scenario.parse(Scenario.Kind.DOWNGRADE, "acme.example@20", start))));
 * try (Stream<GeneratedInput> inputs = gen.inputs()) { ... }   // lazy, in event order
 * gen.writeTo(Path.of("/tmp/reports"));                        // day-01/..., day-02/...
 * }</pre>
 *
 * <p>Inputs are produced lazily, one at a time: generating millions holds only the current one in memory.
 */
public final class ReportGenerator {

    /** Each domain gets one report per day from each of: Google, Microsoft, an smtp-tls-reporting operator. */
    public static final int REPORTERS_PER_DOMAIN = Sender.values().length;

    private final GeneratorSettings settings;
    private final TrafficModel model;

    public ReportGenerator(GeneratorSettings settings) {
        this.settings = settings;
        this.model = new TrafficModel(settings);
    }

    public GeneratorSettings settings() {
        return settings;
    }

    /** The policy domains, scenario domains first. */
    public List<String> domainNames() {
        return model.domainNames();
    }

    /** Number of inputs {@link #inputs()} yields. */
    public long inputCount() {
        return (long) settings.days() * model.domainNames().size() * REPORTERS_PER_DOMAIN;
    }

    /** The inputs in event order (day by day, then domain, then reporter), generated lazily. */
    public Stream<GeneratedInput> inputs() {
        return StreamSupport.stream(Spliterators.spliterator(iterator(), inputCount(),
            Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
    }

    /** The inputs of one 1-based day only. */
    public Stream<GeneratedInput> inputsOfDay(int dayNumber) {
        if (dayNumber < 1 || dayNumber > settings.days()) {
            throw new IllegalArgumentException("day " + dayNumber + " is outside 1.." + settings.days());
        }
        return inputs().filter(i -> i.expected().dayNumber() == dayNumber);
    }

    /** A lazy iterator over {@link #inputs()}. */
    public Iterator<GeneratedInput> iterator() {
        return new Iterator<>() {
            private int day = 1;
            private int domain;
            private int sender;
            private DomainProfile profile;

            @Override
            public boolean hasNext() {
                return day <= settings.days();
            }

            @Override
            public GeneratedInput next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (profile == null || profile.index() != domain) {
                    profile = model.domain(domain);
                }
                Sender s = Sender.values()[sender];
                GeneratedInput input = InputRenderer.render(s, profile, day, model.date(day),
                    model.content(profile, day, s), settings.seed());
                if (++sender == REPORTERS_PER_DOMAIN) {
                    sender = 0;
                    if (++domain == model.domainNames().size()) {
                        domain = 0;
                        day++;
                    }
                }
                return input;
            }
        };
    }

    /** Number of digits of the day directories ({@code day-03} or {@code day-003}). */
    public int dayDigits() {
        return settings.days() > 99 ? 3 : 2;
    }

    /**
     * Writes every input to {@code dir/day-NN/<fileName>} (directories sort in event order).
     *
     * @return the number of files written
     */
    public long writeTo(Path dir) throws IOException {
        long written = 0;
        Iterator<GeneratedInput> it = iterator();
        Path current = null;
        while (it.hasNext()) {
            GeneratedInput input = it.next();
            Path file = dir.resolve(input.relativePath(dayDigits()));
            if (!file.getParent().equals(current)) {
                current = file.getParent();
                Files.createDirectories(current);
            }
            Files.write(file, input.bytes());
            written++;
        }
        return written;
    }
}
