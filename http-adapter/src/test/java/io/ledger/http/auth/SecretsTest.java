package io.ledger.http.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecretsTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldLoadTheSameSecretItCreated()
    {
        final Path dataDir = tempDir.resolve("data");
        assertFalse(Secrets.exists(dataDir));

        final byte[] created = Secrets.loadOrCreate(dataDir);
        final byte[] loaded = Secrets.loadOrCreate(dataDir);

        assertTrue(Secrets.exists(dataDir));
        assertEquals(Secrets.GENERATED_BYTES, created.length);
        assertArrayEquals(created, loaded);
    }

    @Test
    void shouldCreateMissingDirectoriesAndLeaveNoTemporaryFiles() throws Exception
    {
        final Path dataDir = tempDir.resolve("a/b/c");

        Secrets.loadOrCreate(dataDir);

        try (Stream<Path> files = Files.list(dataDir))
        {
            assertEquals(List.of(dataDir.resolve(Secrets.FILE_NAME)), files.toList());
        }
    }

    @Test
    void shouldWriteSecretFileReadableByOwnerOnly() throws Exception
    {
        assumeTrue(tempDir.getFileSystem().supportedFileAttributeViews().contains("posix"));

        Secrets.loadOrCreate(tempDir);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tempDir.resolve(Secrets.FILE_NAME))));
    }

    @Test
    void shouldLoadAnExistingBase64Secret() throws Exception
    {
        final byte[] secret = new byte[48];
        for (int i = 0; i < secret.length; i++)
        {
            secret[i] = (byte)i;
        }
        Files.writeString(tempDir.resolve(Secrets.FILE_NAME), "  " + Base64.getEncoder().encodeToString(secret) + "\n\n");

        assertArrayEquals(secret, Secrets.loadOrCreate(tempDir));
    }

    @Test
    void shouldRefuseSecretFileThatIsNotBase64OrTooShort() throws Exception
    {
        final Path file = tempDir.resolve(Secrets.FILE_NAME);
        Files.writeString(file, "not base64 at all!");
        assertThrows(IllegalStateException.class, () -> Secrets.loadOrCreate(tempDir));

        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> Secrets.loadOrCreate(tempDir));
        assertTrue(ex.getMessage().contains("at least 32 bytes"), ex.getMessage());
    }

    @Test
    void shouldGiveEveryConcurrentCreatorTheSameSecret() throws Exception
    {
        final Path dataDir = tempDir.resolve("race");
        final int threads = 8;
        final CountDownLatch go = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                results.add(pool.submit(() ->
                {
                    go.await();
                    return Secrets.loadOrCreate(dataDir);
                }));
            }
            go.countDown();
            final byte[] first = results.get(0).get();
            for (final Future<byte[]> result : results)
            {
                assertArrayEquals(first, result.get());
            }
            assertArrayEquals(first, Secrets.loadOrCreate(dataDir));
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRejectTextSecretShorterThan32Bytes()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Secrets.fromText("x".repeat(31)));

        assertEquals("jwt secret must be at least 32 bytes (256 bits) for HS256", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Secrets.fromText(null));
    }

    @Test
    void shouldUseUtf8BytesOfTextSecret()
    {
        final String secret = "\u00e9".repeat(16); // 16 characters, 32 UTF-8 bytes

        assertArrayEquals(secret.getBytes(StandardCharsets.UTF_8), Secrets.fromText(secret));
    }
}
