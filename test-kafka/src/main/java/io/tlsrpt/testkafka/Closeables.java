package io.tlsrpt.testkafka;

/** What a test class starts, stopped in its {@code @AfterAll} whatever got started before a failure. */
public final class Closeables {

    private Closeables() {
    }

    /**
     * Closes each of {@code resources} that is not null, in order (clients before the cluster they talk to), all of
     * them even when one fails; the first failure is thrown with the later ones suppressed.
     */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
