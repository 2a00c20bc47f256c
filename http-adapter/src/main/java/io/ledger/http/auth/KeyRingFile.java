package io.ledger.http.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key ring's file: {@code <dataDir>/jwt-keys} by default ({@code --jwt-keys FILE} elsewhere, e.g. a secrets mount),
 * one key a line, oldest first; the last line signs new tokens, every line verifies:
 *
 * <pre>
 * # ledger JWT keys (HS256): kid, created (UTC), key. ...
 * legacy 2026-11-22T00:52:00Z base64:7mB1...
 * k1 2026-12-06T20:00:00Z base64:Qx0t...
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored; a key is written as everywhere else ({@link Secrets}).
 * {@code ledger key rotate|retire} rewrite it (atomically: temporary file, fsync, rename, directory fsync), and a
 * running server re-reads it when it changes ({@link #reloadIfChanged()}), so rotating needs no restart.
 *
 * <p>In the data directory, a ring that was never rotated may still be the legacy {@code jwt-secret} file: then it is
 * read as the one key {@value KeyRing#LEGACY_KID}, and the first rotation writes {@code jwt-keys} holding it and the new
 * key, then deletes {@code jwt-secret}, so each key has one home.
 *
 * <p>Thread-safe: {@link #reloadIfChanged()} is synchronized; the file operations are meant to be run one at a time
 * (one operator); a server only reads.
 */
public final class KeyRingFile
{
    /** The key ring's file name in the data directory. */
    public static final String FILE_NAME = "jwt-keys";

    private static final Logger LOG = LoggerFactory.getLogger(KeyRingFile.class);
    private static final String HEADER = """
        # ledger JWT keys (HS256): kid, created (UTC), key. The last line signs new tokens; every line verifies the tokens
        # that name its kid, and the key named legacy also verifies tokens without a kid. Keep this file secret (chmod 600)
        # and back it up with the data directory. Change it with: ledger key rotate | ledger key retire KID | ledger key list
        """;

    private final Path file;
    /** The data directory's legacy {@code jwt-secret}, read while {@link #file} does not exist; null outside one. */
    private final Path legacyFile;
    private Object lastSeen = Boolean.FALSE; // what reloadIfChanged saw last time; never equal to a real stamp at first

    private KeyRingFile(final Path file, final Path legacyFile)
    {
        this.file = file.toAbsolutePath().normalize();
        this.legacyFile = legacyFile == null ? null : legacyFile.toAbsolutePath().normalize();
    }

    /** @return the data directory's key ring ({@value #FILE_NAME}, or the legacy {@code jwt-secret} before it). */
    public static KeyRingFile inDataDir(final Path dataDir)
    {
        return new KeyRingFile(dataDir.resolve(FILE_NAME), dataDir.resolve(Secrets.LEGACY_FILE_NAME));
    }

    /** @return the key ring in {@code file}, wherever it is. */
    public static KeyRingFile at(final Path file)
    {
        return new KeyRingFile(file, null);
    }

    /** @return the ring's file (which may not exist yet). */
    public Path file()
    {
        return file;
    }

    /** @return true when there are keys to load: the file, or the legacy file it replaces. */
    public boolean exists()
    {
        return Files.isRegularFile(file) || (legacyFile != null && Files.isRegularFile(legacyFile));
    }

    /** @return where the keys are read from now: the ring's file, or the legacy file while the ring has none. */
    public Path source()
    {
        return !Files.exists(file) && legacyFile != null && Files.isRegularFile(legacyFile) ? legacyFile : file;
    }

    /**
     * @return the keys.
     * @throws IllegalStateException naming the file when there are none, or it cannot be read or understood.
     */
    public KeyRing load()
    {
        try
        {
            if (Files.exists(file))
            {
                return parse(Secrets.readSmall(file));
            }
            if (legacyFile != null && Files.isRegularFile(legacyFile))
            {
                return KeyRing.of(List.of(new KeyRing.Key(KeyRing.LEGACY_KID,
                    Files.getLastModifiedTime(legacyFile).toMillis(), Secrets.loadLegacy(legacyFile))));
            }
            throw new IllegalStateException("no key ring at " + file + "; 'ledger key rotate' creates one");
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new IllegalStateException("cannot read the key ring " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the keys; when there are none yet, a new ring of one generated key ({@code k1}), written first (two
     *         processes creating it at once agree: the loser reads the winner's).
     */
    public KeyRing loadOrCreate(final long nowMs)
    {
        if (exists())
        {
            return load();
        }
        final KeyRing created = KeyRing.of(List.of(new KeyRing.Key("k1", nowMs, generate())));
        try
        {
            if (Secrets.publish(file, format(created), false))
            {
                LOG.info("created a new JWT key ring in {}", file);
                return created;
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create the key ring " + file + ": " + ex, ex);
        }
        return load(); // another process created it first
    }

    /**
     * Adds a generated key that signs from now on; the others keep verifying. Moves a legacy {@code jwt-secret} into
     * the ring (as {@value KeyRing#LEGACY_KID}) and deletes it once the ring is on disk. Creates the ring when there is
     * none.
     *
     * @return the new ring.
     */
    public KeyRing rotate(final long nowMs)
    {
        final KeyRing before = exists() ? load() : null;
        final KeyRing after = before == null
            ? KeyRing.of(List.of(new KeyRing.Key("k1", nowMs, generate())))
            : before.rotated(generate(), nowMs);
        write(after);
        return after;
    }

    /**
     * Removes {@code kid}: tokens it signed are refused from then on.
     *
     * @return the new ring.
     * @throws IllegalArgumentException when no key has that kid or it is the signing key.
     */
    public KeyRing retire(final String kid)
    {
        final KeyRing after = load().retired(kid);
        write(after);
        return after;
    }

    /** @return the keys as {@link #load()} reads them, and from now on {@link #reloadIfChanged()} compares with these. */
    public synchronized KeyRing loadWatched()
    {
        final Object stamp = stamp(); // before the read: a change in between shows at the next check
        final KeyRing ring = load();
        lastSeen = stamp;
        return ring;
    }

    /**
     * @return the keys when the file changed since the last call (the first call always loads), else null. A file that
     *         cannot be read or understood leaves the keys as they were: it is logged and null returned.
     */
    public synchronized KeyRing reloadIfChanged()
    {
        final Object stamp = stamp();
        if (Objects.equals(stamp, lastSeen))
        {
            return null;
        }
        try
        {
            final KeyRing ring = load();
            lastSeen = stamp;
            return ring;
        }
        catch (final RuntimeException ex)
        {
            lastSeen = stamp; // logged once per change, not once a poll
            LOG.error("key ring {} changed but cannot be used; the keys stay as they were: {}", file, ex.getMessage());
            return null;
        }
    }

    /** @return what identifies the version of the keys on disk: the source file, its inode, size and mtime. */
    private Object stamp()
    {
        final Path source = source();
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(source, BasicFileAttributes.class);
            return List.of(source, String.valueOf(attributes.fileKey()), attributes.size(), attributes.lastModifiedTime());
        }
        catch (final NoSuchFileException ex)
        {
            return List.of(source, "missing");
        }
        catch (final IOException ex)
        {
            return List.of(source, ex.toString());
        }
    }

    private void write(final KeyRing ring)
    {
        try
        {
            Secrets.publish(file, format(ring), true);
            if (legacyFile != null && Files.deleteIfExists(legacyFile))
            {
                Secrets.forceDirectory(legacyFile.getParent());
                LOG.info("moved the key of {} into {} as kid {}", legacyFile, file, KeyRing.LEGACY_KID);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the key ring " + file + ": " + ex, ex);
        }
    }

    static String format(final KeyRing ring)
    {
        final StringBuilder text = new StringBuilder(HEADER);
        for (final KeyRing.Key key : ring.keys())
        {
            text.append(key.kid()).append(' ')
                .append(Instant.ofEpochMilli(key.createdAtMs()).truncatedTo(ChronoUnit.SECONDS)).append(' ')
                .append(Secrets.format(key.secret())).append('\n');
        }
        return text.toString();
    }

    /** @throws IllegalStateException naming the line that is not {@code kid created base64:key}. */
    static KeyRing parse(final String text)
    {
        final List<KeyRing.Key> keys = new ArrayList<>();
        int number = 0;
        for (final String raw : text.split("\n", -1))
        {
            number++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            try
            {
                if (fields.length != 3)
                {
                    throw new IllegalArgumentException("expected 3 fields (kid, created, key), found " + fields.length);
                }
                keys.add(new KeyRing.Key(fields[0], Instant.parse(fields[1]).toEpochMilli(), Secrets.parse(fields[2])));
            }
            catch (final IllegalArgumentException | DateTimeParseException ex)
            {
                throw new IllegalStateException("line " + number + ": " + ex.getMessage(), ex);
            }
        }
        try
        {
            return KeyRing.of(keys);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
    }

    private static byte[] generate()
    {
        final byte[] secret = new byte[Secrets.GENERATED_BYTES];
        new SecureRandom().nextBytes(secret);
        return secret;
    }
}
