package io.tlsrpt.schema.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds a Java 21+ installation to run Apicurio Registry with (the build itself runs on Java 17).
 * Looks, in order, at the system property {@code apicurio.java.home}, the environment variable
 * {@code APICURIO_JAVA_HOME}, the running JVM, {@code JAVA_HOME}, then the usual install folders
 * (preferring the newest; {@code -Dapicurio.java.search=dir1,dir2} replaces that list). A JDK's
 * {@code release} file tells its version without starting it.
 */
final class Java21Locator {

    static final int MINIMUM_FEATURE = 21;
    private static final List<Path> INSTALL_FOLDERS = List.of(Path.of("/usr/lib/jvm"), Path.of("/opt"),
            Path.of("/usr/local/lib/jvm"), Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"),
            Path.of(System.getProperty("user.home"), ".jdks"));
    private static final String SEARCH_PROPERTY = "apicurio.java.search";

    private final List<String> looked = new ArrayList<>();

    /** The {@code java} executable of a Java 21+ installation, if there is one. */
    Optional<Path> find() {
        Optional<Path> explicit = first(System.getProperty("apicurio.java.home"), System.getenv("APICURIO_JAVA_HOME"));
        if (explicit.isPresent()) {
            return explicit;
        }
        if (Runtime.version().feature() >= MINIMUM_FEATURE) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        looked.add(System.getProperty("java.home") + " (Java " + Runtime.version().feature() + ")");
        if (System.getProperty(SEARCH_PROPERTY) == null) {
            Optional<Path> fromJavaHome = first(System.getenv("JAVA_HOME"));
            if (fromJavaHome.isPresent()) {
                return fromJavaHome;
            }
        }
        return installFolders().stream()
                .peek(folder -> looked.add(folder + "/*"))
                .filter(Files::isDirectory)
                .flatMap(Java21Locator::children)
                .map(home -> new Candidate(home, feature(home)))
                .peek(candidate -> looked.add(candidate.home() + " (Java " + candidate.feature() + ")"))
                .filter(candidate -> candidate.feature() >= MINIMUM_FEATURE && Files.isExecutable(java(candidate.home())))
                .max(Comparator.comparingInt(Candidate::feature))
                .map(candidate -> java(candidate.home()));
    }

    /** Where {@link #find()} looked, for the message when it found nothing. */
    String looked() {
        return looked.isEmpty() ? "nowhere" : String.join(", ", looked);
    }

    private static List<Path> installFolders() {
        String search = System.getProperty(SEARCH_PROPERTY);
        if (search == null || search.isBlank()) {
            return INSTALL_FOLDERS;
        }
        return Stream.of(search.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    private Optional<Path> first(String... homes) {
        for (String home : homes) {
            if (home == null || home.isBlank()) {
                continue;
            }
            Path path = Path.of(home);
            int feature = feature(path);
            looked.add(home + " (Java " + (feature < 0 ? "?" : feature) + ")");
            if (feature >= MINIMUM_FEATURE && Files.isExecutable(java(path))) {
                return Optional.of(java(path));
            }
        }
        return Optional.empty();
    }

    private static Stream<Path> children(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isDirectory).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static Path java(Path home) {
        return home.resolve("bin").resolve("java");
    }

    /** The feature version from the JDK's release file ({@code JAVA_VERSION="25.0.1"}), or -1. */
    static int feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            properties.load(in);
        } catch (IOException e) {
            return -1;
        }
        String version = properties.getProperty("JAVA_VERSION", "").replace("\"", "");
        String major = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < major.length() && Character.isDigit(major.charAt(end))) {
            end++;
        }
        return end == 0 ? -1 : Integer.parseInt(major.substring(0, end));
    }

    private record Candidate(Path home, int feature) {
    }
}
