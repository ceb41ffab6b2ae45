package io.tlsrpt.testkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseablesTest {

    @Test
    void closesEveryResourceInOrderAndSkipsTheOnesNeverStarted() throws Exception {
        List<String> closed = new ArrayList<>();
        Closeables.closeAll(() -> closed.add("client"), null, () -> closed.add("cluster"));
        assertThat(closed).containsExactly("client", "cluster");
    }

    @Test
    void aFailureDoesNotKeepTheOthersOpenAndTheFirstIsThrown() {
        List<String> closed = new ArrayList<>();
        assertThatThrownBy(() -> Closeables.closeAll(
                () -> {
                    throw new IllegalStateException("client");
                },
                () -> closed.add("cluster"),
                () -> {
                    throw new IllegalStateException("server");
                }))
                .hasMessage("client")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessage("server")));
        assertThat(closed).containsExactly("cluster");
    }
}
