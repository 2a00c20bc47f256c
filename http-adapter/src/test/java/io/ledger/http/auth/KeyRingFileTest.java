package io.ledger.http.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The key ring file: created once, rotated, retired, migrated from the legacy jwt-secret, re-read when it changes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeyRingFileTest
{
    private static final long NOW_MS = 1_795_000_000_000L;

    @TempDir
    Path tempDir;

    @Test
    void shouldCreateOneKeyOnceAndLoadTheSameKeyAfterwards() throws Exception
    {
        final Path dataDir = tempDir.resolve("a/b/data");
        final KeyRingFile file = KeyRingFile.inDataDir(dataDir);
        assertFalse(file.exists());

        final KeyRing created = file.loadOrCreate(NOW_MS);
        final KeyRing loaded = KeyRingFile.inDataDir(dataDir).loadOrCreate(NOW_MS + 1);

        assertEquals(List.of("k1"), kids(created));
        assertEquals(Secrets.GENERATED_BYTES, created.signingKey().secret().length);
        assertArrayEquals(created.signingKey().secret(), loaded.signingKey().secret());
        assertEquals(NOW_MS / 1000 * 1000, loaded.signingKey().createdAtMs(), "the file keeps seconds");
        try (Stream<Path> files = Files.list(dataDir))
        {
            assertEquals(List.of(dataDir.resolve(KeyRingFile.FILE_NAME)), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void shouldWriteTheKeyRingReadableByItsOwnerOnly() throws Exception
    {
        assumeTrue(tempDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        final KeyRingFile file = KeyRingFile.inDataDir(tempDir);
        file.loadOrCreate(NOW_MS);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())));

        file.rotate(NOW_MS);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())), "after a rewrite too");
    }

    @Test
    void shouldGiveEveryConcurrentCreatorTheSameKey() throws Exception
    {
        final Path dataDir = tempDir.resolve("race");
        final int threads = 8;
        final CountDownLatch go = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<KeyRing>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                results.add(pool.submit(() ->
                {
                    go.await();
                    return KeyRingFile.inDataDir(dataDir).loadOrCreate(NOW_MS);
                }));
            }
            go.countDown();
            final byte[] first = results.get(0).get().signingKey().secret();
            for (final Future<KeyRing> result : results)
            {
                assertArrayEquals(first, result.get().signingKey().secret());
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldAddANewSigningKeyOnRotationAndKeepTheOthersVerifying()
    {
        final KeyRingFile file = KeyRingFile.inDataDir(tempDir);
        final KeyRing first = file.loadOrCreate(NOW_MS);

        final KeyRing rotated = file.rotate(NOW_MS + 1000);

        assertEquals(List.of("k1", "k2"), kids(rotated));
        assertEquals("k2", rotated.signingKey().kid());
        assertArrayEquals(first.signingKey().secret(), rotated.find("k1").secret(), "the old key is kept, unchanged");
        assertFalse(java.util.Arrays.equals(first.signingKey().secret(), rotated.signingKey().secret()));
        assertEquals(kids(rotated), kids(file.load()), "what rotate returned is on disk");
    }

    @Test
    void shouldRetireAKeyButNeverTheSigningOne()
    {
        final KeyRingFile file = KeyRingFile.inDataDir(tempDir);
        file.loadOrCreate(NOW_MS);
        file.rotate(NOW_MS);

        final IllegalArgumentException signing = assertThrows(IllegalArgumentException.class, () -> file.retire("k2"));
        assertTrue(signing.getMessage().contains("rotate"), signing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> file.retire("k9"));
        assertEquals(List.of("k1", "k2"), kids(file.load()), "a refused retirement changes nothing");

        assertEquals(List.of("k2"), kids(file.retire("k1")));
        assertEquals(List.of("k2"), kids(file.load()));
        assertEquals("k3", file.rotate(NOW_MS).signingKey().kid(), "kids are not reused");
    }

    @Test
    void shouldReadTheLegacyJwtSecretAsTheLegacyKeyAndMoveItIntoTheRingOnTheFirstRotation() throws Exception
    {
        final byte[] legacy = new byte[32];
        java.util.Arrays.fill(legacy, (byte)9);
        final Path legacyFile = tempDir.resolve(Secrets.LEGACY_FILE_NAME);
        Files.writeString(legacyFile, Base64.getEncoder().encodeToString(legacy) + "\n");
        final KeyRingFile file = KeyRingFile.inDataDir(tempDir);

        final KeyRing before = file.loadOrCreate(NOW_MS);
        assertEquals(List.of(KeyRing.LEGACY_KID), kids(before));
        assertArrayEquals(legacy, before.find(null).secret(), "tokens without a kid verify with the legacy key");
        assertFalse(Files.exists(file.file()), "loading writes nothing");

        final KeyRing after = file.rotate(NOW_MS);

        assertEquals(List.of(KeyRing.LEGACY_KID, "k1"), kids(after));
        assertArrayEquals(legacy, after.find(null).secret());
        assertFalse(Files.exists(legacyFile), "one home for the key: the ring");
        assertArrayEquals(legacy, KeyRingFile.inDataDir(tempDir).load().find(KeyRing.LEGACY_KID).secret());
    }

    @Test
    void shouldReloadOnlyWhenTheFileChangedAndKeepTheKeysWhenTheNewFileIsBroken() throws Exception
    {
        final KeyRingFile writer = KeyRingFile.inDataDir(tempDir);
        writer.loadOrCreate(NOW_MS);
        final KeyRingFile watched = KeyRingFile.inDataDir(tempDir);
        assertEquals(List.of("k1"), kids(watched.loadWatched()));
        assertNull(watched.reloadIfChanged(), "unchanged");

        writer.rotate(NOW_MS);
        final KeyRing reloaded = watched.reloadIfChanged();
        assertNotNull(reloaded);
        assertEquals(List.of("k1", "k2"), kids(reloaded));
        assertNull(watched.reloadIfChanged());

        Files.writeString(writer.file(), "k1 yesterday base64:AAAA\n");
        assertNull(watched.reloadIfChanged(), "a broken file is not used");
    }

    @Test
    void shouldRefuseAKeyRingFileItCannotUnderstandNamingTheLine() throws Exception
    {
        final KeyRingFile file = KeyRingFile.inDataDir(tempDir);
        final String key = Secrets.format(new byte[32]);
        Files.writeString(file.file(), "# comment\n\nk1 2026-01-01T00:00:00Z " + key + "\nk2 2026-01-01T00:00:00Z\n");
        final IllegalStateException missingField = assertThrows(IllegalStateException.class, file::load);
        assertTrue(missingField.getMessage().contains("line 4"), missingField.getMessage());

        Files.writeString(file.file(), "k1 2026-01-01T00:00:00Z " + key + "\nk1 2026-01-02T00:00:00Z " + key + "\n");
        assertTrue(assertThrows(IllegalStateException.class, file::load).getMessage().contains("twice"));

        Files.writeString(file.file(), "k1 2026-01-01T00:00:00Z " + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        assertTrue(assertThrows(IllegalStateException.class, file::load).getMessage().contains("base64:"),
            "a key without its prefix is refused here too");

        Files.writeString(file.file(), "# nothing but comments\n");
        assertThrows(IllegalStateException.class, file::load);
    }

    private static List<String> kids(final KeyRing ring)
    {
        return ring.keys().stream().map(KeyRing.Key::kid).toList();
    }
}
