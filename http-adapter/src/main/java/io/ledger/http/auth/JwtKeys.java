package io.ledger.http.auth;

import java.util.Objects;

/**
 * The keys a server starts with, and where they came from: a key ring file (the data directory's {@code jwt-keys},
 * or {@code --jwt-keys FILE}), which the server watches so that {@code ledger key rotate|retire} take effect without a
 * restart; or one fixed key ({@code --jwt-secret}), which never changes while the server runs.
 *
 * @param ring the keys at start.
 * @param file the file they came from and the server re-reads, or null for a fixed key.
 */
public record JwtKeys(KeyRing ring, KeyRingFile file)
{
    public JwtKeys
    {
        Objects.requireNonNull(ring, "ring");
    }

    /** @return one fixed key, {@value KeyRing#LEGACY_KID}: tokens without a kid, as a {@code --jwt-secret} gives. */
    public static JwtKeys fixed(final byte[] secret)
    {
        return new JwtKeys(KeyRing.legacy(secret), null);
    }

    /** @return the keys of {@code file} as they are now (which must exist), watched while the server runs. */
    public static JwtKeys watched(final KeyRingFile file)
    {
        return new JwtKeys(file.loadWatched(), file);
    }

    /** @return where the keys come from, for the logs and the demo token: the file, or "--jwt-secret". */
    public String describe()
    {
        return file == null ? "the key given by --jwt-secret" : "the key ring " + file.source();
    }
}
