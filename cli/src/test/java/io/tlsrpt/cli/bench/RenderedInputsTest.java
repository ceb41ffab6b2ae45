package io.tlsrpt.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.generate.GeneratedInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderedInputsTest {

    @TempDir
    Path dir;

    @Test
    void readsBackEveryInputInOrderWithItsHashAndDomain() {
        Workload workload = new Workload(120, 10, 0.1, 8460L);
        List<GeneratedInput> generated = new ArrayList<>();
        workload.inputs().forEachRemaining(generated::add);

        RenderedInputs rendered = RenderedInputs.render(workload.inputs(), dir.resolve("inputs.bin"));

        assertThat(rendered.count()).isEqualTo(120);
        List<RenderedInputs.Input> read = new ArrayList<>();
        try (RenderedInputs.Reader reader = rendered.read()) {
            reader.forEachRemaining(read::add);
            assertThatThrownBy(reader::next).isInstanceOf(NoSuchElementException.class);
        }
        assertThat(read).hasSize(120);
        for (int i = 0; i < read.size(); i++) {
            GeneratedInput g = generated.get(i);
            RenderedInputs.Input r = read.get(i);
            assertThat(r.bytes()).isEqualTo(g.bytes());
            assertThat(r.sha256()).isEqualTo(RawInputProducer.sha256Hex(g.bytes()));
            assertThat(r.domain()).isEqualTo(RenderedInputs.domainOf(g.expected()));   // null stays null
            assertThat(r.contentType()).isEqualTo(g.contentType());
            assertThat(r.fileName()).isEqualTo(g.fileName());
        }
        assertThat(read).filteredOn(r -> r.domain() != null).hasSizeGreaterThan(read.size() / 2);
        // a second reader starts again from the first input
        try (RenderedInputs.Reader again = rendered.read()) {
            assertThat(again.next().sha256()).isEqualTo(read.get(0).sha256());
        }
    }

    @Test
    void aFileCutInTheMiddleOfAnInputIsAnErrorNotAShorterWorkload() throws IOException {
        Path file = dir.resolve("inputs.bin");
        Iterator<GeneratedInput> two = new Workload(2, 1, 0, 1L).inputs();
        RenderedInputs rendered = RenderedInputs.render(two, file);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 10));

        try (RenderedInputs.Reader reader = rendered.read()) {
            assertThat(reader.hasNext()).isTrue();
            assertThatThrownBy(reader::next).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cut short");
        }
    }
}
