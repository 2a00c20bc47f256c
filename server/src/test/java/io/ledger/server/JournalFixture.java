package io.ledger.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A data directory written by an earlier build and committed as a test resource under {@code journal-compat/<commit>/}
 * (see {@link JournalFixtureGenerator} for how the one of commit {@code 4af94da} was made): {@code data.zip}, the values
 * it must replay to ({@code expected.properties}) and the reads it must answer ({@code answers.txt}).
 */
final class JournalFixture
{
    /** Chronicle's day files are large and sparse; all-zero blocks are skipped on unpacking so they stay sparse. */
    private static final int BLOCK_BYTES = 64 * 1024;

    /**
     * One recorded read.
     *
     * @param path     the request path and query.
     * @param merchant the token's merchant.
     * @param status   the HTTP status.
     * @param body     the exact body.
     */
    record Answer(String path, String merchant, int status, String body)
    {
    }

    private final String resourceDirectory;

    JournalFixture(final String commit)
    {
        this.resourceDirectory = "/journal-compat/" + commit + "/";
    }

    /** @return {@code expected.properties}. */
    Properties expected()
    {
        final Properties properties = new Properties();
        try (InputStream in = resource("expected.properties"))
        {
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return properties;
    }

    /** @return the reads of {@code answers.txt}, in order. */
    List<Answer> answers()
    {
        final String text;
        try (InputStream in = resource("answers.txt"))
        {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<Answer> answers = new ArrayList<>();
        for (final String block : text.split("\n\n"))
        {
            if (block.isBlank())
            {
                continue;
            }
            final String[] lines = block.split("\n");
            if (lines.length != 3 || !lines[0].startsWith("GET ") || !lines[0].contains(" as "))
            {
                throw new IllegalStateException("answers.txt: malformed block: " + block);
            }
            final String request = lines[0].substring("GET ".length());
            final int as = request.lastIndexOf(" as ");
            answers.add(new Answer(request.substring(0, as), request.substring(as + 4), Integer.parseInt(lines[1]), lines[2]));
        }
        return answers;
    }

    /** Unpacks {@code data.zip} into {@code dataDir} (created if missing) and returns it. */
    Path unpackInto(final Path dataDir)
    {
        try (ZipInputStream zip = new ZipInputStream(resource("data.zip")))
        {
            final byte[] block = new byte[BLOCK_BYTES];
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry())
            {
                final Path file = dataDir.resolve(entry.getName()).normalize();
                if (!file.startsWith(dataDir) || entry.isDirectory())
                {
                    throw new IllegalStateException("data.zip: unexpected entry " + entry.getName());
                }
                Files.createDirectories(file.getParent());
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                {
                    long position = 0;
                    for (int read = zip.readNBytes(block, 0, BLOCK_BYTES); read > 0; read = zip.readNBytes(block, 0, BLOCK_BYTES))
                    {
                        if (!allZero(block, read))
                        {
                            channel.write(ByteBuffer.wrap(block, 0, read), position);
                        }
                        position += read;
                    }
                    if (channel.size() < position)
                    {
                        channel.write(ByteBuffer.allocate(1), position - 1); // the file's full length, still sparse
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return dataDir;
    }

    private static boolean allZero(final byte[] bytes, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != 0)
            {
                return false;
            }
        }
        return true;
    }

    private InputStream resource(final String name)
    {
        final InputStream in = JournalFixture.class.getResourceAsStream(resourceDirectory + name);
        if (in == null)
        {
            throw new IllegalStateException("missing test resource " + resourceDirectory + name);
        }
        return in;
    }
}
