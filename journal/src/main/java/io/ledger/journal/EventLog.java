package io.ledger.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.ledger.journal.internal.WriterLock;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;

/**
 * The outcome queue of the change stream (issue 19): every command the ledger accepted, as an event, in journal order,
 * in a Chronicle queue of its own ({@code DATA/events}). It is derived: the snapshot follower, which applies every
 * journal record to its copy of the ledger and so learns each command's outcome, appends one record per accepted
 * command; delete the directory and it is written again from the journal. Nothing in it is the truth: the journal is.
 *
 * <pre>
 *   record (one Chronicle document):
 *   +---------------+-------------+----------------+------------+------------+
 *   | journalIndex  | commandId   | merchantId     | type       | data       |
 *   | int64         | int64       | UTF-8 (stop-   | UTF-8      | UTF-8 JSON |
 *   |               |             | bit length)    |            |            |
 *   +---------------+-------------+----------------+------------+------------+
 *   a mark ({@link #appendMark}): merchantId, type and data empty.
 * </pre>
 *
 * <p>Thread-safety: {@link #append} on one thread (the follower's); each {@link Reader} on one thread (its
 * creator's); {@link #lastJournalIndex()} from any thread.
 */
public final class EventLog implements AutoCloseable
{
    /** The directory name inside the data directory. */
    public static final String DIRECTORY_NAME = "events";

    private final SingleChronicleQueue queue;
    private final WriterLock writerLock;
    private final Path dir;
    private ExcerptAppender appender;
    /** The writer's: an event's merchant, then its data, as bytes before they are copied into the record. */
    private byte[] scratch = new byte[1024];
    private volatile long lastJournalIndex;
    private volatile long lastCommandId;

    private EventLog(final Path dir, final WriterLock writerLock, final SingleChronicleQueue queue)
    {
        this.dir = dir;
        this.writerLock = writerLock;
        this.queue = queue;
        final long[] last = readLast(queue);
        lastJournalIndex = last[0];
        lastCommandId = last[1];
    }

    /**
     * Opens (creating it when missing) the outcome queue in {@code dir} as its only writer, as the journal is opened
     * (see {@link WriterLock}): a Chronicle write lock a killed follower left is cleared (also when the restarted server
     * has the same pid, as in a container), and a file a crash left unfinished is set aside at once instead of
     * Chronicle waiting 20-50 s for it (or failing on it).
     *
     * @throws IllegalStateException when another process (or this one) has it open.
     */
    public static EventLog open(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("eventsDir=" + dir.toAbsolutePath() + " cannot be created", ex);
        }
        final WriterLock writerLock = WriterLock.acquire(dir);
        try
        {
            final SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
            try
            {
                return new EventLog(dir, writerLock, queue);
            }
            catch (final RuntimeException | Error ex)
            {
                queue.close();
                throw ex;
            }
        }
        catch (final RuntimeException | Error ex)
        {
            writerLock.close();
            throw ex;
        }
    }

    /** @return the directory. */
    public Path dir()
    {
        return dir;
    }

    /** @return the journal index of the last event written, or -1 when there is none. Any thread. */
    public long lastJournalIndex()
    {
        return lastJournalIndex;
    }

    /** @return the command id of the last event written, or -1 when there is none. Any thread. */
    public long lastCommandId()
    {
        return lastCommandId;
    }

    /** Appends an event; journal indexes must increase. The writer's thread only. */
    public void append(final long journalIndex, final long commandId, final String merchantId, final String type, final String data)
    {
        try (DocumentContext dc = startAppend(journalIndex))
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(journalIndex);
            bytes.writeLong(commandId);
            bytes.writeUtf8(merchantId);
            bytes.writeUtf8(type);
            bytes.writeUtf8(data);
        }
        appended(journalIndex, commandId);
    }

    /**
     * Appends an event without making a {@code String} of its merchant or its data (the follower's path: one event per
     * accepted command). The record's bytes are those {@link #append(long, long, String, String, String)} writes for the
     * same text: ASCII text (the usual case) is copied in bulk, any other is decoded and written as a string (Chronicle's
     * own UTF-8 writer then encodes it, as it always did). The writer's thread only.
     *
     * @param merchantUtf8   the merchant's UTF-8 bytes (a command's text buffer).
     * @param merchantLength its length in bytes, -1 when the event has no merchant (read back as null).
     * @param dataUtf8       the event's JSON text in UTF-8, its first {@code dataLength} bytes; only read during the call.
     */
    public void append(final long journalIndex, final long commandId, final DirectBuffer merchantUtf8, final int merchantOffset,
        final int merchantLength, final String type, final byte[] dataUtf8, final int dataLength)
    {
        try (DocumentContext dc = startAppend(journalIndex))
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(journalIndex);
            bytes.writeLong(commandId);
            if (merchantLength < 0)
            {
                bytes.writeUtf8((String)null);
            }
            else
            {
                final byte[] merchant = scratch(merchantLength);
                merchantUtf8.getBytes(merchantOffset, merchant, 0, merchantLength);
                writeUtf8(bytes, merchant, merchantLength);
            }
            bytes.writeUtf8(type);
            writeUtf8(bytes, dataUtf8, dataLength);
        }
        appended(journalIndex, commandId);
    }

    /** Writes UTF-8 text as {@link Bytes#writeUtf8(CharSequence)} writes the string it decodes to. */
    private static void writeUtf8(final Bytes<?> bytes, final byte[] utf8, final int length)
    {
        if (isAscii(utf8, length))
        {
            bytes.writeStopBit(length); // what writeUtf8 writes for ASCII: the length, then a byte per char
            bytes.write(utf8, 0, length);
        }
        else
        {
            bytes.writeUtf8(new String(utf8, 0, length, StandardCharsets.UTF_8));
        }
    }

    private DocumentContext startAppend(final long journalIndex)
    {
        if (journalIndex <= lastJournalIndex)
        {
            throw new IllegalArgumentException("journalIndex=" + journalIndex + " must be after lastJournalIndex=" + lastJournalIndex);
        }
        if (appender == null)
        {
            appender = queue.acquireAppender();
        }
        return appender.writingDocument();
    }

    private void appended(final long journalIndex, final long commandId)
    {
        lastCommandId = commandId;
        lastJournalIndex = journalIndex;
    }

    private byte[] scratch(final int length)
    {
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        return scratch;
    }

    /** Eight bytes of an array at once, in the machine's order (only their high bits are looked at). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** @return whether the first {@code length} bytes are all ASCII: eight at a time (an event's data is a few hundred). */
    static boolean isAscii(final byte[] utf8, final int length)
    {
        int i = 0;
        for (final int words = length & ~7; i < words; i += 8)
        {
            if (((long)LONGS.get(utf8, i) & HIGH_BITS) != 0)
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (utf8[i] < 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Marks that every journal record up to {@code journalIndex} was followed (written at each snapshot), so that a
     * start from that snapshot knows the log is not behind it although the last records were not events. A mark is a
     * record with an empty merchant and type: readers skip it. Nothing is written when the log is already there.
     */
    public void appendMark(final long journalIndex, final long commandId)
    {
        if (journalIndex > lastJournalIndex)
        {
            append(journalIndex, commandId, "", "", "");
        }
    }

    /**
     * @param atEnd true to read only events appended from now on; false to read from the first.
     * @return a reader for the calling thread.
     */
    public Reader reader(final boolean atEnd)
    {
        final ExcerptTailer tailer = queue.createTailer();
        if (atEnd)
        {
            tailer.toEnd();
        }
        return new Reader(tailer);
    }

    @Override
    public void close()
    {
        try
        {
            queue.close();
        }
        finally
        {
            writerLock.close();
        }
    }

    private static long[] readLast(final SingleChronicleQueue queue)
    {
        final ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return new long[] {-1, -1};
            }
            final Bytes<?> bytes = dc.wire().bytes();
            return new long[] {bytes.readLong(), bytes.readLong()};
        }
        finally
        {
            tailer.close();
        }
    }

    /** Reads events in order; the fields hold the last one {@link #next} returned. One thread only. */
    public static final class Reader implements AutoCloseable
    {
        private final ExcerptTailer tailer;
        private long journalIndex = -1;
        private long commandId;
        private String merchantId;
        private String type;
        private String data;

        private Reader(final ExcerptTailer tailer)
        {
            this.tailer = tailer;
        }

        /**
         * Reads the next event if there is one with a command id at most {@code commandIdMax} (the committed ones);
         * a later one stays unread.
         *
         * @param skipMerchantOtherThan when not null, an event of another merchant is read past but its text is not
         *                              decoded and false is not returned for it: the reader moves on to the next.
         * @return true when an event was read into the fields.
         */
        public boolean next(final long commandIdMax, final String skipMerchantOtherThan)
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return false;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final long index = bytes.readLong();
                    final long command = bytes.readLong();
                    if (command > commandIdMax)
                    {
                        dc.rollbackOnClose();
                        return false;
                    }
                    final String merchant = bytes.readUtf8();
                    journalIndex = index;
                    commandId = command;
                    if (skipMerchantOtherThan != null && !skipMerchantOtherThan.equals(merchant))
                    {
                        continue;
                    }
                    merchantId = merchant;
                    type = bytes.readUtf8();
                    data = bytes.readUtf8();
                    return true;
                }
            }
        }

        /** @return the journal index of the last event read (also one skipped for its merchant), -1 before any. */
        public long journalIndex()
        {
            return journalIndex;
        }

        public long commandId()
        {
            return commandId;
        }

        public String merchantId()
        {
            return merchantId;
        }

        public String type()
        {
            return type;
        }

        public String data()
        {
            return data;
        }

        @Override
        public void close()
        {
            tailer.close();
        }
    }
}
