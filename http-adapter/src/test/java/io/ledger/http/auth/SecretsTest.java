package io.ledger.http.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one format keys are written in ({@code base64:}, or {@code text:} for the old raw text), and the legacy file. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecretsTest
{
    @TempDir
    Path tempDir;

    private static byte[] bytes(final int length)
    {
        final byte[] secret = new byte[length];
        for (int i = 0; i < length; i++)
        {
            secret[i] = (byte)(i * 7 + 1);
        }
        return secret;
    }

    @Test
    void shouldReadABase64KeyAsTheKeyFilesAndKeyListingWriteIt()
    {
        final byte[] secret = bytes(32);

        assertArrayEquals(secret, Secrets.parse("base64:" + Base64.getEncoder().encodeToString(secret)));
        assertArrayEquals(secret, Secrets.parse(Secrets.format(secret)), "what format writes, parse reads");
        assertTrue(Secrets.format(secret).startsWith("base64:"));
    }

    @Test
    void shouldReadTheOldRawTextSecretOnlyWithTheTextPrefix()
    {
        final String text = "\u00e9".repeat(16); // 16 characters, 32 UTF-8 bytes

        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), Secrets.parse("text:" + text));
    }

    @Test
    void shouldRefuseAKeyWithoutAPrefixRatherThanGuessHowToReadIt()
    {
        // A 44-character alphanumeric secret is valid base64 and valid text: read either way it is another key.
        final String ambiguous = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR";
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Secrets.parse(ambiguous));

        assertTrue(ex.getMessage().contains("base64:") && ex.getMessage().contains("text:"), ex.getMessage());
        assertFalse(ex.getMessage().contains(ambiguous), "the message never quotes the secret");
        assertThrows(IllegalArgumentException.class, () -> Secrets.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Secrets.parse(""));
    }

    @Test
    void shouldRefuseKeysShorterThan32BytesAndBase64ThatIsNot()
    {
        final IllegalArgumentException shortBase64 = assertThrows(IllegalArgumentException.class,
            () -> Secrets.parse("base64:" + Base64.getEncoder().encodeToString(bytes(31))));
        assertTrue(shortBase64.getMessage().contains("31 bytes"), shortBase64.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Secrets.parse("text:" + "x".repeat(31)));
        final IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class,
            () -> Secrets.parse("base64:not base64 at all!"));
        assertFalse(notBase64.getMessage().contains("not base64 at all"), notBase64.getMessage());
    }

    @Test
    void shouldLoadTheLegacyFileOfBareBase64() throws Exception
    {
        final byte[] secret = bytes(48);
        final Path file = tempDir.resolve(Secrets.LEGACY_FILE_NAME);
        Files.writeString(file, "  " + Base64.getEncoder().encodeToString(secret) + "\n\n");

        assertArrayEquals(secret, Secrets.loadLegacy(file));
    }

    @Test
    void shouldRefuseALegacyFileThatIsNotBase64OrTooShort() throws Exception
    {
        final Path file = tempDir.resolve(Secrets.LEGACY_FILE_NAME);
        Files.writeString(file, "not base64 at all!");
        assertThrows(IllegalStateException.class, () -> Secrets.loadLegacy(file));

        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> Secrets.loadLegacy(file));
        assertEquals(file.toAbsolutePath() + " holds 16 bytes; a jwt secret must be at least 32 bytes (256 bits) for HS256",
            ex.getMessage());
    }
}
