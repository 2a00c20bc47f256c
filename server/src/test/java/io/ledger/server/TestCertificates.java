package io.ledger.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by the JDK's own {@code keytool} for each
 * test run (so nothing expires in the repository), written as the PEM files {@code --tls-cert} and {@code --tls-key}
 * take, and a client {@link SSLContext} that trusts it and nothing else.
 */
final class TestCertificates
{
    private static final char[] PASSWORD = "changeit".toCharArray();

    final Path certificate;
    final Path privateKey;
    private final KeyStore keyStore;

    private TestCertificates(final Path certificate, final Path privateKey, final KeyStore keyStore)
    {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.keyStore = keyStore;
    }

    /** Makes a key pair and certificate in {@code dir}: {@code cert.pem} and {@code key.pem} (PKCS#8). */
    static TestCertificates create(final Path dir) throws IOException, InterruptedException, GeneralSecurityException
    {
        final Path store = dir.resolve("server.p12");
        final Process keytool = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "ledger",
            "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
            .redirectErrorStream(true).start();
        final String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0)
        {
            throw new IllegalStateException("keytool failed: " + output);
        }
        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store))
        {
            keyStore.load(in, PASSWORD);
        }
        final Certificate certificate = keyStore.getCertificate("ledger");
        final PrivateKey key = (PrivateKey)keyStore.getKey("ledger", PASSWORD);
        final Path certFile = dir.resolve("cert.pem");
        final Path keyFile = dir.resolve("key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8, as the JDK encodes a private key
        return new TestCertificates(certFile, keyFile, keyStore);
    }

    /** @return a client context that trusts this certificate only. */
    SSLContext clientContext() throws GeneralSecurityException, IOException
    {
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ledger", keyStore.getCertificate("ledger"));
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
