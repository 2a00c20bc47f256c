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
        long records = 0;
        long lastId = afterIndex < 0 ? 0 : afterCommandId;
        long lastIndex = afterIndex;
        long failedIndex = -1;
        Path failedFile = null;
        String failedProblem = null;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            positionAfter(tailer, afterIndex, afterCommandId);
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    final long index = dc.index();
                    lastIndex = index;
                    final int status = read(dc, readFrame);
                    if (failedProblem != null)
                    {
                        if (excuses(status, readFrame, failedIndex, lastId))
                        {
                            LOG.info("journal: skipping torn record file={} index=0x{} ({}) ({}), sealed by the " +
                                "TORN_SKIP record at index=0x{}", failedFile, Long.toHexString(failedIndex), failedIndex,
                                failedProblem, Long.toHexString(index));
                            failedProblem = null;
                            continue;
                        }
                        throw corrupt(failedFile, failedIndex, failedProblem + NOT_LAST);
                    }
                    if (status != RecordFrame.OK)
                    {
                        if (!RecordFrame.looksTorn(status))
                        {
                            throw corrupt(fileOf(tailer), index, readFrame.describe(status));
                        }
                        failedIndex = index;
                        failedFile = fileOf(tailer);
                        failedProblem = readFrame.describe(status);
                        continue;
                    }
                    if (readFrame.recordType() == RecordFrame.TYPE_TORN_SKIP)
                    {
                        throw corrupt(fileOf(tailer), index, "TORN_SKIP record for skippedIndex=0x" +
                            Long.toHexString(readFrame.skippedIndex()) + " does not follow a failed record");
                    }
                    checkCommand(tailer, index, readFrame, readEvent, lastId);
                    lastId = readEvent.commandId();
                    records++;
                    if (!visitor.visit(index, readEvent))
                    {
                        break;
                    }
                }
            }
        }
        if (failedProblem == null)
        {
            return new ChronicleJournal.ReplayResult(records, lastId, lastIndex, -1);
        }
        LOG.warn("journal: skipping torn last record file={} index=0x{} ({}): {}; it was never acknowledged",
            failedFile, Long.toHexString(failedIndex), failedIndex, failedProblem);
        return new ChronicleJournal.ReplayResult(records, lastId, lastIndex, failedIndex);
    }

    /** Starts {@code tailer} at the first record, or after the valid command {@code afterCommandId} at {@code afterIndex}. */
    private void positionAfter(final ExcerptTailer tailer, final long afterIndex, final long afterCommandId)
    {
        if (afterIndex < 0)
        {
            tailer.toStart();
            return;
        }
        final ChronicleJournal.CommandAt at = commandAt(tailer, afterIndex, readFrame, readEvent);
        final long found = at == null ? -1 : at.commandId();
        if (found != afterCommandId)
        {
            throw new IllegalArgumentException("record at index=0x" + Long.toHexString(afterIndex) + " holds commandId=" +
                found + ", not afterCommandId=" + afterCommandId + " (-1: no such valid command record)");
        }
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
                            throw corrupt(fileOf(tailer), index, readFrame.describe(status));
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

    private static boolean excuses(final int status, final RecordFrame frame, final long failedIndex, final long lastId)
    {
        return status == RecordFrame.OK &&
            frame.recordType() == RecordFrame.TYPE_TORN_SKIP &&
            frame.skippedIndex() == failedIndex &&
            frame.skipLastCommandId() == lastId;
    }

    private void checkCommand(
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

    /** Copies the document's payload into {@code frame} and verifies it. */
    static int read(final DocumentContext dc, final RecordFrame frame)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long length = bytes.readRemaining();
        if (length >= RecordFrame.FRAME_BYTES_MIN && length <= RecordFrame.FRAME_BYTES_MAX)
        {
            bytes.read(frame.array(), 0, (int)length);
        }
        return frame.verify(length);
    }

    JournalCorruptException corrupt(final Path file, final long index, final String problem)
    {
        return new JournalCorruptException(file, index, problem + " (cycle=" + rollCycle.toCycle(index) +
            " seq=" + rollCycle.toSequenceNumber(index) + ")");
    }

    private Path fileOf(final ExcerptTailer tailer)
    {
        final File file = tailer.currentFile();
        return file != null ? file.toPath() : directory;
    }

}
