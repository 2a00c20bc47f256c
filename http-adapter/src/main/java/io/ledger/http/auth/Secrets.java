package io.ledger.http.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Where the HS256 key comes from: a secret the operator supplies ({@link #fromText}), or one generated once and
 * kept as base64 text in {@code <dataDir>/jwt-secret} ({@link #loadOrCreate}), so tokens stay valid across restarts
 * and {@code ledger token} and {@code ledger serve} agree without configuration.
 *
 * <p>Thread-safe (stateless). Concurrent creators (a {@code serve} and a {@code token} started together) agree:
 * the file is published with a no-clobber link, and the loser reads the winner's key.
 */
public final class Secrets
{
    /** The file in the data directory that holds the generated key, base64 text. */
    public static final String FILE_NAME = "jwt-secret";
    /** Size of a generated key, bytes. */
    public static final int GENERATED_BYTES = 32;

    private static final int FILE_BYTES_MAX = 4096;
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);

    private Secrets()
    {
    }

    /** @return true when {@code dataDir} already holds a generated key. */
    public static boolean exists(final Path dataDir)
    {
        return Files.isRegularFile(dataDir.resolve(FILE_NAME));
    }

    /**
     * @param secret a secret supplied by the operator (flag or environment).
     * @return its UTF-8 bytes.
     * @throws IllegalArgumentException when they are fewer than 32.
     */
    public static byte[] fromText(final String secret)
    {
        final byte[] bytes = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < JwtAuthenticator.SECRET_BYTES_MIN)
        {
            throw new IllegalArgumentException("jwt secret must be at least 32 bytes (256 bits) for HS256");
        }
        return bytes;
    }

    /**
     * Reads {@code dataDir/jwt-secret}, or creates the directory and the file with {@value #GENERATED_BYTES} bytes
     * from {@link SecureRandom}: owner-only read/write where the file system has POSIX permissions, written to a
     * temporary file, forced to disk, then published atomically.
     *
     * @throws UncheckedIOException  when the directory or file cannot be read or written.
     * @throws IllegalStateException when the file exists but does not hold a base64 key of at least 32 bytes.
     */
    public static byte[] loadOrCreate(final Path dataDir)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        try
        {
            if (Files.exists(file))
            {
                return load(file);
            }
            Files.createDirectories(dataDir);
            final byte[] secret = new byte[GENERATED_BYTES];
            new SecureRandom().nextBytes(secret);
            if (publish(dataDir, file, (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII)))
            {
                LOG.info("created a new HS256 secret in {}", file.toAbsolutePath());
                return secret;
            }
            return load(file); // another process created it first
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read or create the jwt secret " + file.toAbsolutePath() + ": " + ex, ex);
        }
    }

    private static byte[] load(final Path file) throws IOException
    {
        if (Files.size(file) > FILE_BYTES_MAX)
        {
            throw new IllegalStateException(file.toAbsolutePath() + " is larger than " + FILE_BYTES_MAX + " bytes: not a jwt secret");
        }
        if (isPosix(file) && !OWNER_READ_WRITE.containsAll(Files.getPosixFilePermissions(file)))
        {
            LOG.warn("{} is readable by other users; chmod 600 it", file.toAbsolutePath());
        }
        final byte[] secret;
        try
        {
            secret = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException(file.toAbsolutePath() + " does not hold base64 text", ex);
        }
        if (secret.length < JwtAuthenticator.SECRET_BYTES_MIN)
        {
            throw new IllegalStateException(file.toAbsolutePath() + " holds " + secret.length
                + " bytes; a jwt secret must be at least 32 bytes (256 bits) for HS256");
        }
        return secret;
    }

    /** @return true when {@code content} was published as {@code file}, false when the file already existed. */
    private static boolean publish(final Path dir, final Path file, final byte[] content) throws IOException
    {
        final FileAttribute<?>[] attributes = isPosix(dir)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
            : new FileAttribute<?>[0];
        final Path temp = Files.createTempFile(dir, "." + FILE_NAME + "-", ".tmp", attributes);
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try
            {
                // link(2) is atomic and, unlike rename(2), never replaces a file another process published meanwhile.
                Files.createLink(file, temp);
            }
            catch (final FileAlreadyExistsException ex)
            {
                return false;
            }
            catch (final UnsupportedOperationException | IOException ex)
            {
                // No hard links here (some FUSE or SMB mounts): an atomic rename, replacing only in a rare race.
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            forceDirectory(dir);
            return true;
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
    }

    private static void forceDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            // Not every platform can open a directory; the file itself is already on disk.
        }
    }

    private static boolean isPosix(final Path path)
    {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
