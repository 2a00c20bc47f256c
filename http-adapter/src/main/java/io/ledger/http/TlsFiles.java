package io.ledger.http;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The certificate chain and private key HTTPS is served with: PEM files, as {@code certbot}, {@code openssl} and most
 * certificate authorities hand them out. The key must be unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what
 * {@code openssl genpkey} and {@code openssl req -newkey ... -nodes} write; convert an older
 * {@code BEGIN RSA PRIVATE KEY} file with {@code openssl pkcs8 -topk8 -nocrypt}); RSA and EC keys both work.
 *
 * <p>Only TLS 1.3 and 1.2 are offered, with the JDK's provider and its default cipher suites for them (the JDK
 * already leaves out the weak ones). The files are read when the server starts; a new certificate takes a restart.
 *
 * @param certificateChain PEM: the server's certificate first, then the intermediates.
 * @param privateKey       PEM: the certificate's private key, PKCS#8, unencrypted.
 */
public record TlsFiles(Path certificateChain, Path privateKey)
{
    /** The protocol versions offered, newest first. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /**
     * Checks that both files are given and readable; {@link #serverContext()} checks what they hold.
     *
     * @throws IllegalArgumentException naming the option.
     */
    public void validate()
    {
        if (certificateChain == null || privateKey == null)
        {
            throw new IllegalArgumentException("tls-cert=" + certificateChain + " tls-key=" + privateKey + ": give both, or neither");
        }
        requireReadable("tls-cert", certificateChain);
        requireReadable("tls-key", privateKey);
    }

    /**
     * @return a server context for these files.
     * @throws IllegalArgumentException naming the files when they do not hold a PEM certificate chain and a matching
     *                                  PKCS#8 key.
     */
    public SslContext serverContext()
    {
        validate();
        try
        {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("tls-cert=" + certificateChain + " tls-key=" + privateKey + ": cannot serve TLS "
                + "with them (a PEM certificate chain and its unencrypted PKCS#8 PEM key are needed): " + rootMessage(ex), ex);
        }
    }

    private static void requireReadable(final String option, final Path file)
    {
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            throw new IllegalArgumentException(option + "=" + file + " must be a readable file");
        }
    }

    private static String rootMessage(final Throwable ex)
    {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        return root == ex ? String.valueOf(ex.getMessage()) : ex.getMessage() + " (" + root + ")";
    }
}
