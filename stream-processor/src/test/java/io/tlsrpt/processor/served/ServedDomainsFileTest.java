package io.tlsrpt.processor.served;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedDomainsFileTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("served-domains.txt"), content);
    }

    @Test
    void oneEntryPerLineWithCommentsAndBlankLines() throws IOException {
        Path file = write("# our customers\r\nexample.com\n\n  *.hosted.example   # every customer zone\nEXAMPLE.NET.\n");
        ServedDomainsFile served = ServedDomainsFile.open(file, ServedDomains.parse("inline.example"));
        ServedDomains current = served.current();
        assertThat(current.size()).isEqualTo(4);
        assertThat(current.serves("example.com")).isTrue();
        assertThat(current.serves("shop.hosted.example")).isTrue();
        assertThat(current.serves("example.net")).isTrue();
        assertThat(current.serves("inline.example")).as("the served.domains key's entries too").isTrue();
        assertThat(current.serves("other.example")).isFalse();
    }

    @Test
    void aLineMayNameTheTenantOfItsDomain() throws IOException {
        Path file = write("# customer domains\nacme.example   tenant=acme   # since 2026\n*.acme.example tenant=acme\n"
                + "other.example\n");
        ServedDomains current = ServedDomainsFile.open(file, ServedDomains.ALL).current();
        assertThat(current.tenantOf("acme.example")).isEqualTo("acme");
        assertThat(current.tenantOf("mx.acme.example")).isEqualTo("acme");
        assertThat(current.tenantOf("other.example")).isNull();
        assertThat(current.serves("other.example")).isTrue();
        assertThatThrownBy(() -> ServedDomainsFile.open(write("a.example tenant=x\na.example tenant=y\n"),
                ServedDomains.ALL)).hasMessageContaining("'a.example' is listed for tenants x and y");
    }

    @Test
    void aFileWithABadLineOrNoEntryIsRefusedAtStart() throws IOException {
        Path bad = write("example.com\nexample .org\n# fine\n*.x.example\nnot/a/domain\n");
        assertThatThrownBy(() -> ServedDomainsFile.open(bad, ServedDomains.ALL))
                .hasMessageContaining("line 2: not a domain name: 'example .org'")
                .hasMessageContaining("line 5: not a domain name: 'not/a/domain'");
        Path empty = write("# nothing yet\n\n");
        assertThatThrownBy(() -> ServedDomainsFile.open(empty, ServedDomains.ALL))
                .hasMessageContaining("lists no domain");
        assertThatThrownBy(() -> ServedDomainsFile.open(dir.resolve("missing.txt"), ServedDomains.ALL))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aChangedFileAppliesAtTheNextReload() throws IOException {
        Path file = write("a.example\n");
        ServedDomainsFile served = ServedDomainsFile.open(file, ServedDomains.ALL);
        assertThat(served.reload().outcome()).isEqualTo(ServedDomainsFile.Outcome.UNCHANGED);
        assertThat(served.current().serves("b.example")).isFalse();

        write("a.example\nb.example\n");
        assertThat(served.reload().outcome()).isEqualTo(ServedDomainsFile.Outcome.APPLIED);
        assertThat(served.current().serves("a.example")).isTrue();
        assertThat(served.current().serves("b.example")).isTrue();
        assertThat(served.reload().outcome()).isEqualTo(ServedDomainsFile.Outcome.UNCHANGED);

        write("b.example\n");
        assertThat(served.reload().outcome()).isEqualTo(ServedDomainsFile.Outcome.APPLIED);
        assertThat(served.current().serves("a.example")).as("a domain taken off the list").isFalse();
    }

    /** An editor's half-written file, an emptied or deleted one: the list in force stays, nothing is turned away. */
    @Test
    void aReloadThatFailsKeepsTheListInForce() throws IOException {
        Path file = write("a.example\nb.example\n");
        ServedDomainsFile served = ServedDomainsFile.open(file, ServedDomains.ALL);

        write("a.example\nb.exa mple\n");
        ServedDomainsFile.Reload broken = served.reload();
        assertThat(broken.outcome()).isEqualTo(ServedDomainsFile.Outcome.FAILED);
        assertThat(broken.problem()).contains("line 2: not a domain name: 'b.exa mple'");
        assertThat(served.current().serves("b.example")).isTrue();

        write("");
        assertThat(served.reload().problem()).contains("lists no domain");
        assertThat(served.current().serves("a.example")).isTrue();
        assertThat(served.current().servesAll()).isFalse();

        Files.delete(file);
        assertThat(served.reload().problem()).contains("cannot read");
        assertThat(served.current().size()).isEqualTo(2);

        write("a.example\nb.example\nc.example\n");
        assertThat(served.reload().outcome()).isEqualTo(ServedDomainsFile.Outcome.APPLIED);
        assertThat(served.current().size()).isEqualTo(3);
    }
}
