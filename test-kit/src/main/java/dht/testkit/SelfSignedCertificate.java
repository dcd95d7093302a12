package dht.testkit;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.jks.JksSslStoreBundle;
import org.springframework.boot.ssl.jks.JksSslStoreDetails;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate for {@code 127.0.0.1} and {@code localhost}, signed by its own key, made at test
 * time by the JDK's {@code keytool}: a PKCS12 key store with the key and the certificate, and a
 * PKCS12 trust store with the certificate alone. Every app of a test cluster serves it, presents it
 * as its client certificate and trusts it, as a cluster whose members share one certificate would.
 */
public record SelfSignedCertificate(Path keyStore, Path trustStore, String password) {

    private static final String ALIAS = "dht-test";
    private static final long KEYTOOL_DEADLINE_SECONDS = 60;

    /** Makes the two stores in {@code folder}. */
    public static SelfSignedCertificate generate(Path folder) {
        SelfSignedCertificate certificate = new SelfSignedCertificate(folder.resolve("cluster.p12"),
                folder.resolve("cluster-trust.p12"), "test-store-password");
        Path exported = folder.resolve("cluster.crt");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=dht test cluster", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", certificate.keyStore().toString(),
                "-storepass", certificate.password(), "-keypass", certificate.password());
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", certificate.keyStore().toString(),
                "-storepass", certificate.password(), "-file", exported.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", exported.toString(),
                "-storetype", "PKCS12", "-keystore", certificate.trustStore().toString(),
                "-storepass", certificate.password());
        return certificate;
    }

    /** The Spring Boot settings of an SSL bundle named {@code name} over these stores. */
    public List<String> bundleProperties(String name) {
        String prefix = "spring.ssl.bundle.jks." + name + ".";
        return List.of(
                prefix + "keystore.location=file:" + keyStore,
                prefix + "keystore.type=PKCS12",
                prefix + "keystore.password=" + password,
                prefix + "truststore.location=file:" + trustStore,
                prefix + "truststore.type=PKCS12",
                prefix + "truststore.password=" + password);
    }

    /** For test clients: trusts the certificate and presents it when a server asks for one. */
    public SSLContext sslContext() {
        return SslBundle.of(new JksSslStoreBundle(store(keyStore), store(trustStore))).createSslContext();
    }

    /** Trusts the certificate and has none to present. */
    public SSLContext trustOnlySslContext() {
        return SslBundle.of(new JksSslStoreBundle(null, store(trustStore))).createSslContext();
    }

    private JksSslStoreDetails store(Path location) {
        return new JksSslStoreDetails("PKCS12", null, "file:" + location, password);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(KEYTOOL_DEADLINE_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
