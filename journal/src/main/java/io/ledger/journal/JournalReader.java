package io.ledger.journal;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.journal.internal.RecordFrame;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading a {@link ChronicleJournal}'s queue back, with the checks every record gets after it is read (frame length,
 * CRC32C, version, type, a body that decodes to a journaled command, strictly increasing command ids) and the torn-tail
 * rule: a failed record is excused only when it is the last one, or when the TORN_SKIP record right after it names it.
 * Replay from the start or after a snapshot's record, the command at an index, the index of a command, and the scan of
 * the tail at open.
 *
 * <p>Thread-safety: {@link #replayFrom} and {@link #scanTail} share this reader's buffers (the opening or replaying
 * thread); {@link #commandAt(ExcerptTailer, long, RecordFrame, CommandEvent)} and {@link #indexOfCommand} use their own,
 * so any thread may call them while the journal thread appends.
 */
final class JournalReader
{
    /** The tail found at open: the last valid command id (0 for none) and a torn last record's index (-1 for none). */
    record Tail(long lastCommandId, long unsealedTornIndex)
    {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    private static final String NOT_LAST = "; it is not the last record and no TORN_SKIP record follows it";
    /** The frame {@link #copiedStatus} copies into, only ever used with -ea. */
    private static final ThreadLocal<RecordFrame> ASSERT_FRAME = ThreadLocal.withInitial(RecordFrame::new);

    private final SingleChronicleQueue queue;
    private final Path directory;
    private final RollCycle rollCycle;
    private final RecordFrame readFrame = new RecordFrame();
    private final CommandEvent readEvent = new CommandEvent();

    JournalReader(final SingleChronicleQueue queue, final Path directory, final RollCycle rollCycle)
    {
        this.queue = queue;
        this.directory = directory;
        this.rollCycle = rollCycle;
    }

    /** Reads every record after {@code afterIndex} (from the start when it is -1); see {@link ChronicleJournal#replayAfter}. */
    ChronicleJournal.ReplayResult replayFrom(final long afterIndex, final long afterCommandId, final ChronicleJournal.RecordVisitor visitor)
    {
        try (JournalTail tail = tail(afterIndex, afterCommandId))
        {
            tail.poll(visitor, Long.MAX_VALUE);
            return tail.finish();
        }
    }

    /** A reader of the records after {@code afterIndex} with its own tailer; see {@link ChronicleJournal#tail}. */
    JournalTail tail(final long afterIndex, final long afterCommandId)
    {
        return new JournalTail(this, queue.createTailer(), afterIndex, afterCommandId);
    }

    /** Positions {@code tailer} on {@code index} and reads that record; leaves the tailer after it. */
    static ChronicleJournal.CommandAt commandAt(final ExcerptTailer tailer, final long index, final RecordFrame frame, final CommandEvent event)
    {
        if (index < 0 || !tailer.moveToIndex(index))
        {
            return null;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent() || dc.index() != index)
            {
                return null;
            }
            if (read(dc, frame) != RecordFrame.OK || frame.recordType() != RecordFrame.TYPE_COMMAND || !frame.decodeCommand(event) ||
                !event.type().journaled())
            {
                return null;
            }
            return new ChronicleJournal.CommandAt(event.commandId(), frame.storedCrc32c());
        }
    }

    /**
     * Finds the index of the record holding {@code commandId}, reading backwards from the end, and waits (up to
     * {@code timeoutMs}) while the journal has not reached it yet: the snapshot writer asks this for a command the
     * ledger has applied and the journal thread may still be appending (the two stages run in parallel).
     *
     * <p>Thread-safety: unlike the rest of this class, safe to call on any thread while the journal thread appends;
     * it reads through its own tailer and buffers.
     *
     * @return the index, or -1 when the journal went past {@code commandId} without holding it, or the wait timed out.
     */
    long indexOfCommand(final long commandId, final long timeoutMs)
    {
        final RecordFrame frame = new RecordFrame();
        final CommandEvent event = new CommandEvent();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            try (ExcerptTailer tailer = queue.createTailer())
            {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                boolean sawLater = false;
                while (true)
                {
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        if (!dc.isPresent())
                        {
                            if (sawLater)
                            {
                                return -1;
                            }
                            break; // empty journal: not journaled yet
                        }
                        if (read(dc, frame) != RecordFrame.OK || frame.recordType() != RecordFrame.TYPE_COMMAND ||
                            !frame.decodeCommand(event))
                        {
                            continue; // a torn record or a TORN_SKIP: not a command
                        }
                        final long found = event.commandId();
                        if (found == commandId)
                        {
                            return dc.index();
                        }
                        if (found < commandId)
                        {
                            if (sawLater)
                            {
                                return -1; // went past it
                            }
                            break; // the journal has not reached it yet
                        }
                        sawLater = true;
                    }
                }
            }
            if (System.nanoTime() >= deadlineNs)
            {
                return -1;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Reads backwards from the end: a torn last record is remembered (to be sealed before the next append), a
     * failed record sealed by the TORN_SKIP after it is passed over, and the first valid command gives the last command
     * id.
     */
    Tail scanTail()
    {
        long excusedIndex = -1;
        boolean atTail = true;
        long unsealedTornIndex = -1;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return new Tail(0, unsealedTornIndex);
                    }
                    final long index = dc.index();
                    final int status = read(dc, readFrame);
                    final long excused = excusedIndex;
                    excusedIndex = -1;
                    if (status != RecordFrame.OK)
                    {
                        if (!RecordFrame.looksTorn(status))
                        {
                            throw notUnderstood(fileOf(tailer), index, readFrame, status);
                        }
                        if (atTail)
                        {
                            unsealedTornIndex = index; // replay reports it; the next append seals it
                        }
                        else if (index != excused)
                        {
                            throw corrupt(fileOf(tailer), index, readFrame.describe(status) + NOT_LAST);
                        }
                    }
                    else if (readFrame.recordType() == RecordFrame.TYPE_TORN_SKIP)
                    {
                        excusedIndex = readFrame.skippedIndex();
                    }
                    else
                    {
                        checkCommand(tailer, index, readFrame, readEvent, -1);
                        return new Tail(readEvent.commandId(), unsealedTornIndex);
                    }
                    atTail = false;
                }
            }
        }
    }

    static boolean excuses(final int status, final RecordFrame frame, final long failedIndex, final long lastId)
    {
        return status == RecordFrame.OK &&
            frame.recordType() == RecordFrame.TYPE_TORN_SKIP &&
            frame.skippedIndex() == failedIndex &&
            frame.skipLastCommandId() == lastId;
    }

    void checkCommand(
        final ExcerptTailer tailer, final long index, final RecordFrame frame, final CommandEvent event,
        final long previousCommandId)
    {
        if (!frame.decodeCommand(event))
        {
            throw corrupt(fileOf(tailer), index, "undecodable body: bodyLength=" + frame.bodyLength());
        }
        if (!event.type().journaled())
        {
            throw corrupt(fileOf(tailer), index, "undecodable body: type=" + event.type() + " is not journaled");
        }
        if (event.commandId() <= previousCommandId)
        {
            throw corrupt(fileOf(tailer), index, "commandId=" + event.commandId() + " is not after previous commandId=" +
                previousCommandId);
        }
    }

    /**
     * Verifies the document's payload as {@code frame}: in place, where the document lies in the queue's mapped memory
     * (the frame is read there while {@code dc} is open), or, when it is not mapped memory wholly inside the current
     * mapping, copied into the frame's staging array first.
     */
    static int read(final DocumentContext dc, final RecordFrame frame)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long length = bytes.readRemaining();
        if (length >= RecordFrame.FRAME_BYTES_MIN && length <= RecordFrame.FRAME_BYTES_MAX)
        {
            final long position = bytes.readPosition();
            if (RecordFrame.verifiesInPlace() && bytes.isDirectMemory() && bytes.bytesStore() != null &&
                bytes.bytesStore().inside(position, length))
            {
                final int status = frame.verifyAt(bytes.addressForRead(position), (int)length);
                assert status == copiedStatus(bytes, position, (int)length) : "in place " + status + " copied " +
                    copiedStatus(bytes, position, (int)length);
                return status;
            }
            bytes.read(frame.array(), 0, (int)length);
        }
        return frame.verify(length);
    }

    /**
     * What {@link #read} would have found by copying: the in-place read is checked against it with -ea. The copy goes
     * into one frame per thread (a frame's staging array is about 1 MB: one per record made a replay with -ea crawl).
     */
    private static int copiedStatus(final Bytes<?> bytes, final long position, final int length)
    {
        final RecordFrame copy = ASSERT_FRAME.get();
        bytes.read(position, copy.array(), 0, length);
        return copy.verify(length);
    }

    /** @return the error for a whole record this build cannot use: written by a newer build, or corrupt. */
    RuntimeException notUnderstood(final Path file, final long index, final RecordFrame frame, final int status)
    {
        if (status == RecordFrame.NEWER_VERSION)
        {
            return new NewerFormatException(file, "journal record index=0x" + Long.toHexString(index) + " " + frame.describe(status));
        }
        return corrupt(file, index, frame.describe(status));
    }

    JournalCorruptException corrupt(final Path file, final long index, final String problem)
    {
        return new JournalCorruptException(file, index, problem + " (cycle=" + rollCycle.toCycle(index) +
            " seq=" + rollCycle.toSequenceNumber(index) + ")");
    }

    Path fileOf(final ExcerptTailer tailer)
    {
        final File file = tailer.currentFile();
        return file != null ? file.toPath() : directory;
    }

}
