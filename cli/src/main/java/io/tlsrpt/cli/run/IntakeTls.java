package io.tlsrpt.cli.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed key pair of the local HTTPS intake endpoint (subject alternative name IP:127.0.0.1), made once per
 * data directory with the JDK's {@code keytool} and kept: the certificate a user trusts stays valid across restarts.
 * Its PEM certificate is written beside it for {@code curl --cacert}.
 */
public final class IntakeTls {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeTls.class);
    private static final String ALIAS = "intake";
    private static final String PASSWORD_ENV = "TLSRPT_INTAKE_KEYSTORE_PASSWORD";

    private final Path keystore;
    private final Path certificatePem;
    private final String password;

    private IntakeTls(Path keystore, Path certificatePem, String password) {
        this.keystore = keystore;
        this.certificatePem = certificatePem;
        this.password = password;
    }

    /** Loads the key pair from {@code dir}, creating it on first use. */
    public static IntakeTls loadOrCreate(Path dir) {
        Path keystore = dir.resolve("intake.p12");
        Path pem = dir.resolve("intake-cert.pem");
        Path passwordFile = dir.resolve("intake.password");
        try {
            if (Files.isRegularFile(keystore) && Files.isRegularFile(passwordFile) && Files.isRegularFile(pem)) {
                return new IntakeTls(keystore, pem, Files.readString(passwordFile, StandardCharsets.UTF_8).trim());
            }
            Files.createDirectories(dir);
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            Path tmp = dir.resolve("intake.p12.tmp");
            Files.deleteIfExists(tmp);
            keytool(password, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                "-dname", "CN=tlsrpt local intake", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-storetype", "PKCS12", "-keystore", tmp.toString(), "-storepass:env", PASSWORD_ENV, "-keypass:env", PASSWORD_ENV);
            Path pemTmp = dir.resolve("intake-cert.pem.tmp");
            keytool(password, "-exportcert", "-rfc", "-alias", ALIAS, "-keystore", tmp.toString(), "-storetype", "PKCS12",
                "-storepass:env", PASSWORD_ENV, "-file", pemTmp.toString());
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            Files.move(pemTmp, pem, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, keystore, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("created the intake endpoint's self-signed certificate {}", pem);
            return new IntakeTls(keystore, pem, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the intake key pair in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path keystore() {
        return keystore;
    }

    public Path certificatePem() {
        return certificatePem;
    }

    public String password() {
        return password;
    }

    /** A client context that trusts exactly this certificate (for the seeder's POSTs). */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, store.getCertificate(ALIAS));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the intake keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(String password, String... args) throws IOException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>();
        command.add(Files.isExecutable(tool) ? tool.toString() : "keytool");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_ENV, password);   // not on the command line, where ps shows it
        Process process = builder.start();
        try {
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): "
                    + output.trim());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
