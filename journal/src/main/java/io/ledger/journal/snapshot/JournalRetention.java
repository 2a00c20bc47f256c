package io.ledger.journal.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.ledger.journal.ChronicleJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to journal cycle files (one per UTC day) that no snapshot needs any more: kept (the default), moved
 * to {@code DIR/journal-archive}, or deleted.
 *
 * <p>A cycle may go only when it lies entirely before the cycle holding the journal index of the <em>oldest</em>
 * snapshot kept, and is not the cycle being written. Measuring from the oldest rather than the newest snapshot keeps
 * the fallback working: if the newest snapshot turns out damaged, recovery loads an older one and needs the journal
 * from its index on.
 *
 * <p>Once any cycle has gone, a full replay from the journal can no longer rebuild the state: every action is appended
 * to {@code DIR/journal-retention.log}, and recovery refuses to fall back to a full replay while that file exists
 * (see {@link LedgerRecovery}).
 *
 * <p>Thread-safety: one call at a time (the snapshot thread).
 */
public final class JournalRetention
{
    /** What to do with cycles no snapshot needs. */
    public enum Mode
    {
        OFF, ARCHIVE, DELETE;

        /** @throws IllegalArgumentException for anything but off, archive or delete (any case). */
        public static Mode parse(final String text)
        {
            if (text != null)
            {
                for (final Mode mode : values())
                {
                    if (mode.name().equalsIgnoreCase(text))
                    {
                        return mode;
                    }
                }
            }
            throw new IllegalArgumentException("journal-retention=" + text + " must be off, archive or delete");
        }

        @Override
        public String toString()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Under the data directory: where archived cycles go. */
    public static final String ARCHIVE_DIRECTORY_NAME = "journal-archive";
    /** Under the data directory: the record of every cycle archived or deleted; its presence forbids a full replay. */
    public static final String LOG_FILE_NAME = "journal-retention.log";

    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

    private final Mode mode;
    private final Path dataDir;

    /**
     * @param dataDir the data directory holding {@code journal/}.
     */
    public JournalRetention(final Mode mode, final Path dataDir)
    {
        this.mode = mode;
        this.dataDir = dataDir;
    }

    public Mode mode()
    {
        return mode;
    }

    /** @return true when {@code dataDir}'s journal has lost cycles to retention, so a full replay is impossible. */
    public static boolean journalWasTrimmed(final Path dataDir)
    {
        return Files.exists(dataDir.resolve(LOG_FILE_NAME));
    }

    /**
     * Archives or deletes the cycle files of {@code journal} before the cycle of {@code keepFromIndex}.
     *
     * @param keepFromIndex the journal index of the oldest snapshot kept.
     * @return the files moved or deleted (none when the mode is OFF).
     */
    public List<Path> apply(final ChronicleJournal journal, final long keepFromIndex)
    {
        if (mode == Mode.OFF || keepFromIndex < 0)
        {
            return List.of();
        }
        final int keepFromCycle = ChronicleJournal.cycleOf(keepFromIndex);
        final List<Path> files = ChronicleJournal.cycleFiles(journal.directory());
        if (files.isEmpty())
        {
            return List.of();
        }
        final int newestCycle = ChronicleJournal.cycleOfFile(files.get(files.size() - 1));
        final List<Path> removed = new ArrayList<>();
        try
        {
            for (final Path file : files)
            {
                final int cycle = ChronicleJournal.cycleOfFile(file);
                if (cycle >= keepFromCycle || cycle >= newestCycle)
                {
                    break;
                }
                appendLog(Instant.now() + " " + mode + " " + file.getFileName() + " (cycle " + cycle +
                    "; oldest snapshot kept is at journal index 0x" + Long.toHexString(keepFromIndex) + ", cycle " + keepFromCycle + ")");
                if (mode == Mode.ARCHIVE)
                {
                    final Path archive = dataDir.resolve(ARCHIVE_DIRECTORY_NAME);
                    Files.createDirectories(archive);
                    Files.move(file, archive.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
                else
                {
                    Files.delete(file);
                }
                removed.add(file);
                LOG.info("journal retention: {} {} (before the cycle of the oldest snapshot kept, journal index 0x{})",
                    mode == Mode.ARCHIVE ? "archived" : "deleted", file, Long.toHexString(keepFromIndex));
            }
            if (!removed.isEmpty())
            {
                SnapshotStore.syncDirectory(journal.directory());
                journal.refreshDirectoryListing();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal retention " + mode + " failed after " + removed, ex);
        }
        return removed;
    }

    private void appendLog(final String line) throws IOException
    {
        final Path log = dataDir.resolve(LOG_FILE_NAME);
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    }
}
