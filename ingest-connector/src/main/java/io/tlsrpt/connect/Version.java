package io.tlsrpt.connect;

/** The plugin version, from the jar manifest (Implementation-Version). */
public final class Version {
    private Version() {
    }

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
