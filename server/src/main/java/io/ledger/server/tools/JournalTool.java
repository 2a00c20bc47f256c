package io.ledger.server.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.ledger.engine.Currencies;
import io.ledger.journal.ChronicleJournal;
import io.ledger.server.LedgerServer.Config;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What the operator tools ({@code replay}, {@code verify}, {@code journal}) share: the data-directory option, the
 * check that a journal exists there, and opening it for reading.
 *
 * <p>The tools never write: they open the journal with {@link ChronicleJournal#openReadOnly} (a writable open
 * updates Chronicle's metadata.cq4t even when only replaying), and refuse a data directory without a journal before
 * opening anything, so they never create a file or directory. Exit codes: 0 OK, 1 a problem found in the journal
 * or the state it rebuilds, 2 bad usage or no journal.
 *
 * <p>Single-threaded: one command run at a time.
 */
final class JournalTool
{
    static final int EXIT_PROBLEM = 1;
    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private JournalTool()
    {
    }

    /** The {@code --data-dir} option, shared by every tool. */
    static final class DataDirOption
    {
        @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "${env:LEDGER_DATA_DIR:-" + Config.DATA_DIR_DEFAULT + "}",
            description = "Data directory a server wrote; the journal is DIR/journal. Env LEDGER_DATA_DIR. "
                + "Default: ${DEFAULT-VALUE}.")
        Path dataDir;
    }

    /** {@code --default-currency}: the ledger's default currency, which the state (and so its hash) depends on. */
    static final class DefaultCurrencyOption
    {
        @Option(
            names = "--default-currency",
            paramLabel = "CODE",
            defaultValue = "${env:LEDGER_DEFAULT_CURRENCY:-" + Config.DEFAULT_CURRENCY_DEFAULT + "}",
            description = "The ledger's default currency, as given to 'serve'. Env LEDGER_DEFAULT_CURRENCY. "
                + "Default: ${DEFAULT-VALUE}.")
        String code;
    }

    /** A reason to stop with a one-line message and an exit code. */
    static final class ToolException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        final int exitCode;

        ToolException(final int exitCode, final String message)
        {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /**
     * @return the journal directory of {@code dataDir}.
     * @throws ToolException (exit 2) when it does not exist or holds no queue file; nothing is created.
     */
    static Path journalDir(final Path dataDir)
    {
        final Path journalDir = dataDir.resolve("journal").toAbsolutePath().normalize();
        if (!Files.isDirectory(journalDir))
        {
            throw new ToolException(EXIT_USAGE, "--data-dir=" + dataDir + ": no journal (" + journalDir + " does not exist)");
        }
        try (Stream<Path> files = Files.list(journalDir))
        {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".cq4")))
            {
                throw new ToolException(EXIT_USAGE, "--data-dir=" + dataDir + ": no journal (no .cq4 queue file in " + journalDir + ")");
            }
        }
        catch (final IOException ex)
        {
            throw new ToolException(EXIT_USAGE, "--data-dir=" + dataDir + ": cannot list " + journalDir + ": " + ex);
        }
        return journalDir;
    }

    /** Opens an existing journal read-only (no file is written, not even Chronicle metadata); the caller closes it. */
    static ChronicleJournal open(final Path journalDir)
    {
        return ChronicleJournal.openReadOnly(journalDir);
    }

    /** @return the packed currency for {@code --default-currency}, checked as {@code serve} checks it. */
    static int currency(final String code)
    {
        try
        {
            Config.validateDefaultCurrency(code);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ToolException(EXIT_USAGE, "--" + ex.getMessage());
        }
        return Currencies.pack(code);
    }

    /** Prints {@code ex}'s message as one line on stderr, prefixed with the command name. */
    static int fail(final CommandSpec spec, final ToolException ex)
    {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + ex.getMessage());
        err.flush();
        return ex.exitCode;
    }

    static String hex(final long value)
    {
        return String.format("%016x", value);
    }

    static String index(final long index)
    {
        return "0x" + Long.toHexString(index) + " (" + index + ")";
    }

    /** Accepts decimal or {@code 0x} hexadecimal, as Chronicle indexes are printed both ways. */
    static final class LongConverter implements CommandLine.ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            return Long.decode(value);
        }
    }
}
