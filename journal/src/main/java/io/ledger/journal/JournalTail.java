package io.ledger.journal;

import java.nio.file.Path;

import io.ledger.engine.CommandEvent;
import io.ledger.journal.internal.RecordFrame;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A position in the journal that reads forward, record by record, verifying each one (see the class comment): a
 * torn record is held back until the record after it shows whether a TORN_SKIP seals it (so a reader that
 * catches up with a journal being appended to simply waits at it), and a record that is corrupt, or whole but
 * not understood, throws {@link JournalCorruptException}.
 *
 * <p>Thread-safety: one thread at a time, which may be another thread than the one appending to the journal: it
 * reads through its own Chronicle tailer, frame and event. Close it before the journal closes.
 */
public final class JournalTail implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    private static final String NOT_LAST = "; it is not the last record and no TORN_SKIP record follows it";

    private final JournalReader reader;
    private final ExcerptTailer tailer;
    private final RecordFrame frame = new RecordFrame();
    private final CommandEvent event = new CommandEvent();
    private long records;
    private long lastCommandId;
    private long lastIndex;
    private long lastCommandIndex = -1;
    private long lastCommandCrc32c = -1;
    private long failedIndex = -1;
    private Path failedFile;
    private String failedProblem;
    private boolean stopped;

    JournalTail(final JournalReader reader, final ExcerptTailer tailer, final long afterIndex, final long afterCommandId)
    {
        this.reader = reader;
        this.tailer = tailer;
        lastCommandId = afterIndex < 0 ? 0 : afterCommandId;
        lastIndex = afterIndex;
        try
        {
            if (afterIndex < 0)
            {
                tailer.toStart();
                return;
            }
            final ChronicleJournal.CommandAt at = JournalReader.commandAt(tailer, afterIndex, frame, event);
            final long found = at == null ? -1 : at.commandId();
            if (found != afterCommandId)
            {
                throw new IllegalArgumentException("record at index=0x" + Long.toHexString(afterIndex) + " holds commandId=" +
                    found + ", not afterCommandId=" + afterCommandId + " (-1: no such valid command record)");
            }
            lastCommandIndex = afterIndex;
            lastCommandCrc32c = at.crc32c();
        }
        catch (final RuntimeException | Error ex)
        {
            tailer.close();
            throw ex;
        }
    }

    /**
     * Reads the records there are now, handing each command to {@code visitor}, until the journal's end (as far as
     * it is written), {@code commandsMax} commands, or the visitor returns false ({@link #stopped()}). Each command is
     * decoded into this tail's own event, reused, or into the one a {@link ChronicleJournal.DecodingVisitor} names.
     *
     * @return how many commands were handed to the visitor.
     * @throws JournalCorruptException as {@link ChronicleJournal#replay(ChronicleJournal.RecordVisitor)}.
     */
    public long poll(final ChronicleJournal.RecordVisitor visitor, final long commandsMax)
    {
        final ChronicleJournal.DecodingVisitor decoding = visitor instanceof ChronicleJournal.DecodingVisitor d ? d : null;
        long handed = 0;
        while (handed < commandsMax && !stopped)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                final long index = dc.index();
                lastIndex = index;
                final int status = JournalReader.read(dc, frame);
                if (failedProblem != null)
                {
                    if (JournalReader.excuses(status, frame, failedIndex, lastCommandId))
                    {
                        LOG.info("journal: skipping torn record file={} index=0x{} ({}) ({}), sealed by the " +
                            "TORN_SKIP record at index=0x{}", failedFile, Long.toHexString(failedIndex), failedIndex,
                            failedProblem, Long.toHexString(index));
                        failedProblem = null;
                        continue;
                    }
                    throw reader.corrupt(failedFile, failedIndex, failedProblem + NOT_LAST);
                }
                if (status != RecordFrame.OK)
                {
                    if (!RecordFrame.looksTorn(status))
                    {
                        throw reader.notUnderstood(reader.fileOf(tailer), index, frame, status);
                    }
                    failedIndex = index;
                    failedFile = reader.fileOf(tailer);
                    failedProblem = frame.describe(status);
                    continue;
                }
                if (frame.recordType() == RecordFrame.TYPE_TORN_SKIP)
                {
                    throw reader.corrupt(reader.fileOf(tailer), index, "TORN_SKIP record for skippedIndex=0x" +
                        Long.toHexString(frame.skippedIndex()) + " does not follow a failed record");
                }
                final CommandEvent decoded = decoding == null ? event : decoding.decodeInto();
                reader.checkCommand(tailer, index, frame, decoded, lastCommandId);
                lastCommandId = decoded.commandId();
                lastCommandIndex = index;
                lastCommandCrc32c = frame.storedCrc32c();
                records++;
                handed++;
                if (!visitor.visit(index, decoded))
                {
                    stopped = true;
                }
            }
        }
        return handed;
    }

    /** @return true once the visitor returned false: {@link #poll} reads no further. */
    public boolean stopped()
    {
        return stopped;
    }

    /** @return commands handed out so far. */
    public long records()
    {
        return records;
    }

    /** @return the id of the last command handed out, or of the starting point; 0 for none. */
    public long lastCommandId()
    {
        return lastCommandId;
    }

    /** @return the index of the last command handed out, or of the starting point; -1 for none. */
    public long lastCommandIndex()
    {
        return lastCommandIndex;
    }

    /** @return the stored CRC32C of the last command's record (as {@link ChronicleJournal.CommandAt#crc32c()}); -1 for none. */
    public long lastCommandCrc32c()
    {
        return lastCommandCrc32c;
    }

    /**
     * Ends a replay: a torn record still held back is the journal's torn last record, reported (with a warning)
     * as never acknowledged.
     */
    public ChronicleJournal.ReplayResult finish()
    {
        long tornTailIndex = -1;
        if (failedProblem != null && !stopped)
        {
            LOG.warn("journal: skipping torn last record file={} index=0x{} ({}): {}; it was never acknowledged",
                failedFile, Long.toHexString(failedIndex), failedIndex, failedProblem);
            tornTailIndex = failedIndex;
        }
        return new ChronicleJournal.ReplayResult(records, lastCommandId, lastIndex, tornTailIndex);
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
