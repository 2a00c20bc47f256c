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
import java.util.Base64;
import java.util.Set;

/**
 * The one way an HS256 key is written down, and the files that hold keys.
 *
 * <p><b>The format.</b> A key is written {@code base64:<standard base64 of at least 32 bytes>}: in the key ring file
 * ({@link KeyRingFile}), in {@code --jwt-secret} and {@code LEDGER_JWT_SECRET}, and in what {@code ledger key} prints.
 * {@code openssl rand -base64 32} makes one (prefix it). The raw text secret earlier builds took in {@code --jwt-secret}
 * is still accepted, but only as {@code text:<at least 32 bytes of UTF-8>}; a value with neither prefix is refused, so
 * that a secret pasted from one place into the other is never silently read as other bytes ({@link #parse}).
 *
 * <p><b>The legacy file.</b> Builds before key rotation kept one generated key, bare base64 text, in
 * {@code <dataDir>/jwt-secret} ({@link #LEGACY_FILE_NAME}). It is still read ({@link #loadLegacy}) until the first
 * {@code ledger key rotate} moves it into the key ring.
 *
 * <p>Thread-safe (stateless). Files are written owner-only, forced to disk, and published atomically.
 */
public final class Secrets
{
    /** The file in the data directory that held the one generated key before key rings: bare base64 text. */
    public static final String LEGACY_FILE_NAME = "jwt-secret";
    /** Size of a generated key, bytes. */
    public static final int GENERATED_BYTES = 32;
    /** The prefix of a base64 key: the one format keys are written in. */
    public static final String BASE64_PREFIX = "base64:";
    /** The prefix of a raw text secret, as {@code --jwt-secret} took one before. */
    public static final String TEXT_PREFIX = "text:";

    static final int FILE_BYTES_MAX = 64 * 1024;
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);

    private Secrets()
    {
    }

    /**
     * @param value a key as written: {@code base64:...} or {@code text:...}.
     * @return its bytes.
     * @throws IllegalArgumentException saying what is wrong and how to write it; never quoting the value.
     */
    public static byte[] parse(final String value)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException("no key given; write one as base64:<key> (openssl rand -base64 32)");
        }
        final byte[] bytes;
        if (value.startsWith(BASE64_PREFIX))
        {
            try
            {
                bytes = Base64.getDecoder().decode(value.substring(BASE64_PREFIX.length()).strip());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("the key after base64: is not standard base64 (A-Z a-z 0-9 + / and = padding)");
            }
        }
        else if (value.startsWith(TEXT_PREFIX))
        {
            bytes = value.substring(TEXT_PREFIX.length()).getBytes(StandardCharsets.UTF_8);
        }
        else
        {
            throw new IllegalArgumentException("a key must say how to read it: base64:<key> (the form the key files hold and "
                + "'ledger key' prints; openssl rand -base64 32 makes one) or text:<secret> (raw text, as earlier builds took "
                + "it without a prefix)");
        }
        if (bytes.length < JwtAuthenticator.SECRET_BYTES_MIN)
        {
            throw new IllegalArgumentException("the key is " + bytes.length
                + " bytes; an HS256 key must be at least 32 bytes (256 bits)");
        }
        return bytes;
    }

    /** @return {@code key} written in the one format, {@code base64:...}. */
    public static String format(final byte[] key)
    {
        return BASE64_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * Reads the legacy key file: bare base64 text of at least 32 bytes.
     *
     * @throws UncheckedIOException  when it cannot be read.
     * @throws IllegalStateException when it does not hold such a key.
     */
    public static byte[] loadLegacy(final Path file)
    {
        try
        {
            final String text = readSmall(file);
            final byte[] secret;
            try
            {
                secret = Base64.getDecoder().decode(text.strip());
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
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the jwt secret " + file.toAbsolutePath() + ": " + ex, ex);
        }
    }

    /** @return the text of a key file, after a size check and a warning when other users may read it. */
    static String readSmall(final Path file) throws IOException
    {
        if (Files.size(file) > FILE_BYTES_MAX)
        {
            throw new IllegalStateException(file.toAbsolutePath() + " is larger than " + FILE_BYTES_MAX + " bytes: not a key file");
        }
        if (isPosix(file) && !OWNER_READ_WRITE.containsAll(Files.getPosixFilePermissions(file)))
        {
            LOG.warn("{} is readable by other users; chmod 600 it", file.toAbsolutePath());
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code content} as {@code file}: owner-only where the file system has POSIX permissions, to a temporary
     * file in the same directory, forced to disk, then published atomically and the directory forced.
     *
     * @param replace true to replace an existing file (a rename); false to publish only if none exists (a link, which
     *                unlike a rename never replaces a file another process published meanwhile).
     * @return true when published, false when {@code replace} is false and the file already existed.
     */
    static boolean publish(final Path file, final String content, final boolean replace) throws IOException
    {
        final Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        final FileAttribute<?>[] attributes = isPosix(dir)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
            : new FileAttribute<?>[0];
        final Path temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", attributes);
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (replace)
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            else
            {
                try
                {
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
            }
            forceDirectory(dir);
            return true;
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
    }

    static void forceDirectory(final Path dir)
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
