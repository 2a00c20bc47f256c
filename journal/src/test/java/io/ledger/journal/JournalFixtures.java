package io.ledger.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** Commands to journal and ways to damage a journal on disk, shared by the journal tests. */
final class JournalFixtures
{
    static final int ZAR = Currencies.pack("ZAR");

    private JournalFixtures()
    {
    }

    static CommandEvent createCustomer(
        final CommandEvent event, final long commandId, final long timestampMs, final String merchantId,
        final String phone, final String email, final String name, final String metadataJson)
    {
        event.clear();
        return event.stamp(commandId, timestampMs)
            .type(CommandType.CREATE_CUSTOMER)
            .text(Field.MERCHANT_ID, merchantId)
            .text(Field.PHONE, phone)
            .text(Field.EMAIL, email)
            .text(Field.NAME, name)
            .text(Field.METADATA_JSON, metadataJson);
    }

    static CommandEvent payIn(
        final CommandEvent event, final long commandId, final long timestampMs, final String merchantId,
        final long customerKey, final long amountMinor, final int currency, final String description)
    {
        event.clear();
        return event.stamp(commandId, timestampMs)
            .type(CommandType.PAY_IN)
            .text(Field.MERCHANT_ID, merchantId)
            .set(Field.CUSTOMER_KEY, customerKey)
            .set(Field.AMOUNT_MINOR, amountMinor)
            .set(Field.CURRENCY, currency)
            .text(Field.DESCRIPTION, description);
    }

    static CommandEvent purchase(
        final CommandEvent event, final long commandId, final long timestampMs, final String merchantId,
        final long customerKey, final long amountMinor, final int currency, final long quantity, final String productId)
    {
        event.clear();
        return event.stamp(commandId, timestampMs)
            .type(CommandType.PURCHASE)
            .text(Field.MERCHANT_ID, merchantId)
            .set(Field.CUSTOMER_KEY, customerKey)
            .set(Field.AMOUNT_MINOR, amountMinor)
            .set(Field.CURRENCY, currency)
            .set(Field.QUANTITY, quantity)
            .text(Field.PRODUCT_ID, productId);
    }

    /** @return the queue's cycle files (not the metadata file), sorted by name. */
    static List<Path> cycleFiles(final Path journalDir)
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Flips one byte in the middle of the only occurrence of {@code marker} in the queue's cycle files. The
     * journal must be closed.
     *
     * @return the file that was changed.
     */
    static Path flipByteInside(final Path journalDir, final String marker)
    {
        final byte[] pattern = marker.getBytes(StandardCharsets.UTF_8);
        Path found = null;
        long foundAt = -1;
        for (final Path file : cycleFiles(journalDir))
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
                for (long at = indexOf(map, pattern, 0); at >= 0; at = indexOf(map, pattern, (int)at + 1))
                {
                    if (found != null)
                    {
                        throw new AssertionError("marker=" + marker + " occurs more than once");
                    }
                    found = file;
                    foundAt = at;
                }
                if (found == file)
                {
                    final long position = foundAt + pattern.length / 2;
                    final ByteBuffer one = ByteBuffer.allocate(1);
                    channel.read(one, position);
                    one.flip();
                    final byte flipped = (byte)(one.get(0) ^ 0x5A);
                    channel.write(ByteBuffer.wrap(new byte[] {flipped}), position);
                    channel.force(true);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        if (found == null)
        {
            throw new AssertionError("marker=" + marker + " not found in " + cycleFiles(journalDir));
        }
        return found;
    }

    private static long indexOf(final MappedByteBuffer map, final byte[] pattern, final int from)
    {
        final int limit = map.limit() - pattern.length;
        outer:
        for (int i = from; i <= limit; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (map.get(i + j) != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** @return the Chronicle index of every record in the queue, in order. The journal must be closed. */
    static List<Long> indexes(final Path journalDir)
    {
        final List<Long> indexes = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile()).build();
             ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return indexes;
                    }
                    indexes.add(dc.index());
                }
            }
        }
    }

    /** Appends {@code frame} as one raw document, bypassing the journal's checks. The journal must be closed. */
    static void appendRaw(final Path journalDir, final byte[] frame)
    {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile()).build();
             var appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(frame, 0, frame.length);
        }
    }
}
