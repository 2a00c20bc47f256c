package io.ledger.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.http.EventFeed;
import io.ledger.http.endpoint.BodyBytes;
import io.ledger.http.endpoint.LedgerEvents;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.EventLog;
import io.ledger.journal.snapshot.JournalRetention;
import io.ledger.journal.snapshot.SnapshotAgent;
import io.ledger.journal.snapshot.SnapshotHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change stream's wiring (issue 19): the outcome queue ({@link EventLog}, {@code DATA/events}) written by the
 * snapshot follower as it applies each journal record (one follower, one extra copy of the state, not two), and the
 * {@link EventFeed} the HTTP adapter's event-stream thread reads it through, gated by the pipeline's last acknowledged
 * command (in FSYNC mode a journaled but unsynced command is not published: a power loss could still take it back).
 *
 * <p><b>Start.</b> The log is a pure function of the journal: the follower skips what the log already holds. When the
 * log is behind the snapshot the follower starts from (deleted, or never written before), the follower starts from the
 * journal's first record instead, re-deriving every event, unless retention trimmed the journal: then the events
 * before the snapshot are gone (logged). A log ahead of the journal (a power loss took journal records the log had
 * already seen) is moved aside and written again.
 *
 * <p>Thread-safety: {@link #applied} and {@link #snapshotWritten} on the follower's thread; the feed's cursors on the
 * event-stream thread; the rest on the lifecycle's.
 */
final class EventOutcomes implements SnapshotAgent.AppliedListener, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EventOutcomes.class);
    /**
     * A byte generator (jackson's {@code UTF8JsonGenerator}) that writes a character outside the BMP as its four UTF-8
     * bytes, as the char generator the events were first rendered with wrote it as itself (by default a byte generator
     * writes it as two escaped surrogates): so the log's bytes for a command are the same as before. (A lone surrogate
     * would still be escaped here and not there, but the texts an event holds are decoded from the ledger's UTF-8 and
     * never contain one.)
     */
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private final EventLog log;
    /**
     * The event being rendered, and the generator rendering into it: both kept, so an event allocates no text. Rendered
     * as UTF-8 bytes, copied as they are into the log: a char generator and then a copy of each char to a byte cost
     * the follower 9% of its CPU at 24,000 purchases/s (async-profiler, session 10).
     */
    private final ByteSink text = new ByteSink();
    private JsonGenerator json;
    /**
     * Where the data of an event whose route has a byte form is written first (the same bytes as the generator's:
     * {@link LedgerEvents#writeBytes}); the generator for the rest. The generator's per-field work was a fifth of the
     * follower's CPU at 32 connections (async-profiler, session 14).
     */
    private final BodyBytes bodies = new BodyBytes();
    private Ids ids = new Ids(0);

    private EventOutcomes(final EventLog log)
    {
        this.log = log;
    }

    /** Opens the outcome queue in {@code dataDir}, moving aside one that is ahead of {@code journal}. */
    static EventOutcomes open(final Path dataDir, final ChronicleJournal journal)
    {
        final Path dir = dataDir.resolve(EventLog.DIRECTORY_NAME);
        EventLog log = EventLog.open(dir);
        if (log.lastCommandId() > journal.lastCommandId())
        {
            log.close();
            final Path aside = dataDir.resolve(EventLog.DIRECTORY_NAME + ".ahead-" + System.currentTimeMillis());
            try
            {
                Files.move(dir, aside);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("events: cannot move " + dir + " aside", ex);
            }
            LOG.warn("events: the outcome queue reached commandId {} but the journal ends at {} (a power loss took journal records): "
                + "moved it to {}; it is derived again from the journal", log.lastCommandId(), journal.lastCommandId(), aside);
            log = EventLog.open(dir);
        }
        return new EventOutcomes(log);
    }

    /**
     * @param snapshotJournalIndex the journal index of the snapshot the follower would start from, -1 for none.
     * @return true when the follower must start from the journal's first record to derive the events the log lacks.
     */
    boolean needsFullReplay(final long snapshotJournalIndex, final Path dataDir)
    {
        if (snapshotJournalIndex < 0 || log.lastJournalIndex() >= snapshotJournalIndex)
        {
            return false;
        }
        if (JournalRetention.journalWasTrimmed(dataDir))
        {
            LOG.warn("events: the outcome queue ends at journal index {}, before the snapshot at {}, and journal retention trimmed "
                + "the journal: events up to that snapshot cannot be derived; the stream holds those after it", log.lastJournalIndex(),
                snapshotJournalIndex);
            return false;
        }
        LOG.info("events: the outcome queue ends at journal index {}, before the snapshot at {}: the follower replays the journal "
            + "from its first record to derive the missing events", log.lastJournalIndex(), snapshotJournalIndex);
        return true;
    }

    @Override
    public void applied(final long journalIndex, final CommandEvent event, final Ledger ledger)
    {
        if (journalIndex <= log.lastJournalIndex())
        {
            return; // already in the log
        }
        final String name = LedgerEvents.nameIfEvent(event);
        if (name == null)
        {
            return;
        }
        if (ids.salt() != ledger.deploymentSalt())
        {
            ids = new Ids(ledger.deploymentSalt());
        }
        final Field merchant = LedgerEvents.MERCHANT_FIELD;
        final int length = LedgerEvents.writeBytes(event, ids, bodies);
        if (length >= 0)
        {
            log.append(journalIndex, event.commandId(), event.textBuffer(), event.textOffset(merchant), event.textLength(merchant), name,
                bodies.bytes(), length);
            return;
        }
        text.length = 0;
        boolean rendered = false;
        try
        {
            if (json == null)
            {
                json = JSON.createGenerator(text);
                json.setRootValueSeparator(null); // one generator, one event after the other: no space between them
            }
            LedgerEvents.write(json, event, ids);
            json.flush();
            rendered = true;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            if (!rendered)
            {
                json = null; // its state is unknown: a next event would start with a new one
            }
        }
        log.append(journalIndex, event.commandId(), event.textBuffer(), event.textOffset(merchant), event.textLength(merchant), name,
            text.bytes, text.length);
    }

    /** The follower wrote a snapshot: every record up to it was followed. */
    void snapshotWritten(final SnapshotHeader header)
    {
        log.appendMark(header.journalIndex(), header.lastCommandId());
    }

    /** @return the feed, gated by {@code committedCommandId} (the pipeline's last acknowledged command). */
    EventFeed feed(final LongSupplier committedCommandId)
    {
        return new EventFeed()
        {
            @Override
            public Cursor open(final String merchantId, final boolean atEnd)
            {
                final EventLog.Reader reader = log.reader(atEnd);
                return new Cursor()
                {
                    @Override
                    public boolean next()
                    {
                        return reader.next(committedCommandId.getAsLong(), merchantId);
                    }

                    @Override
                    public long journalIndex()
                    {
                        return reader.journalIndex();
                    }

                    @Override
                    public String type()
                    {
                        return reader.type();
                    }

                    @Override
                    public String data()
                    {
                        return reader.data();
                    }

                    @Override
                    public void close()
                    {
                        reader.close();
                    }
                };
            }

            @Override
            public long lastJournalIndex()
            {
                return log.lastJournalIndex();
            }
        };
    }

    @Override
    public void close()
    {
        log.close();
    }

    /** An {@link OutputStream} into a reused array: no lock per write, no copy to a new array. */
    private static final class ByteSink extends OutputStream
    {
        private byte[] bytes = new byte[1024];
        private int length;

        @Override
        public void write(final byte[] source, final int offset, final int count)
        {
            ensure(count);
            System.arraycopy(source, offset, bytes, length, count);
            length += count;
        }

        @Override
        public void write(final int b)
        {
            ensure(1);
            bytes[length++] = (byte)b;
        }

        private void ensure(final int more)
        {
            if (length + more > bytes.length)
            {
                bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
            }
        }
    }
}
