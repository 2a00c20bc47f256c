package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

import io.ledger.http.auth.KeyRing;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.KeyRingWatcher;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ledger key list|rotate|retire}: the key ring that signs and verifies tokens ({@link KeyRingFile}). Rotation
 * needs no restart: a running server re-reads the file within {@link KeyRingWatcher#POLL_MS} ms. Key bytes are never
 * printed.
 */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = {
        "Manage the HS256 keys tokens are signed and verified with: DIR/jwt-keys (or --jwt-keys FILE). Every key verifies "
            + "the tokens that name its kid; the newest signs new tokens; the key named legacy also verifies tokens without "
            + "a kid (those issued before key rings). A running server picks a change up within a second.",
        "Exit 0 done, 1 refused (nothing changed), 2 bad usage."},
    subcommands = {KeyCommand.ListKeys.class, KeyCommand.Rotate.class, KeyCommand.Retire.class})
public final class KeyCommand
{
    /** Where the ring is: {@code --data-dir} or {@code --jwt-keys}. */
    static final class RingOptions
    {
        @Mixin
        JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

        @Option(
            names = "--jwt-keys",
            paramLabel = "FILE",
            defaultValue = "${env:LEDGER_JWT_KEYS}",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "The key ring file, if not DIR/" + KeyRingFile.FILE_NAME + ". Env LEDGER_JWT_KEYS.")
        Path jwtKeys;

        KeyRingFile file()
        {
            return jwtKeys == null
                ? KeyRingFile.inDataDir(dataDir.dataDir.toAbsolutePath().normalize())
                : KeyRingFile.at(jwtKeys.toAbsolutePath().normalize());
        }
    }

    /** {@code ledger key list}: kids, creation dates and what each does. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys: kid, created (UTC), use.")
    static final class ListKeys implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring = new RingOptions();

        @Override
        public Integer call()
        {
            try
            {
                final KeyRingFile file = ring.file();
                if (!file.exists())
                {
                    throw new ToolException(JournalTool.EXIT_PROBLEM, "no key ring at " + file.file()
                        + " ('ledger serve' or 'ledger token' creates one, 'ledger key rotate' too)");
                }
                print(spec.commandLine().getOut(), file, load(file));
                return 0;
            }
            catch (final ToolException ex)
            {
                return JournalTool.fail(spec, ex);
            }
        }
    }

    /** {@code ledger key rotate}: a new key signs from now on; the others keep verifying. */
    @Command(name = "rotate", mixinStandardHelpOptions = true, description = {
        "Add a generated key that signs new tokens from now on; every other key keeps verifying the tokens it signed until "
            + "it is retired. Creates the ring if there is none, and moves a legacy DIR/jwt-secret into it as kid legacy."})
    static final class Rotate implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring = new RingOptions();

        @Override
        public Integer call()
        {
            try
            {
                final KeyRingFile file = ring.file();
                final KeyRing after;
                try
                {
                    after = file.rotate(System.currentTimeMillis());
                }
                catch (final RuntimeException ex)
                {
                    throw new ToolException(JournalTool.EXIT_PROBLEM, "refused, nothing changed: " + ex.getMessage());
                }
                final PrintWriter out = spec.commandLine().getOut();
                out.println("added " + after.signingKey().kid() + ": it signs new tokens; a running server accepts them within "
                    + KeyRingWatcher.POLL_MS / 1000 + " s. Retire an old key once the tokens it signed are no longer needed.");
                print(out, file, after);
                return 0;
            }
            catch (final ToolException ex)
            {
                return JournalTool.fail(spec, ex);
            }
        }
    }

    /** {@code ledger key retire KID}: tokens that key signed are refused from then on. */
    @Command(name = "retire", mixinStandardHelpOptions = true, description = {
        "Remove a key: the tokens it signed are refused from then on (by a running server within a second). The signing key "
            + "cannot be retired: rotate first."})
    static final class Retire implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring = new RingOptions();

        @Parameters(paramLabel = "KID", description = "The kid to retire, as 'ledger key list' shows it.")
        String kid;

        @Override
        public Integer call()
        {
            try
            {
                final KeyRingFile file = ring.file();
                final KeyRing after;
                try
                {
                    after = file.retire(kid);
                }
                catch (final RuntimeException ex)
                {
                    throw new ToolException(JournalTool.EXIT_PROBLEM, "refused, nothing changed: " + ex.getMessage());
                }
                final PrintWriter out = spec.commandLine().getOut();
                out.println("retired " + kid + ": tokens it signed are refused (by a running server within "
                    + KeyRingWatcher.POLL_MS / 1000 + " s)");
                print(out, file, after);
                return 0;
            }
            catch (final ToolException ex)
            {
                return JournalTool.fail(spec, ex);
            }
        }
    }

    private static KeyRing load(final KeyRingFile file)
    {
        try
        {
            return file.load();
        }
        catch (final RuntimeException ex)
        {
            throw new ToolException(JournalTool.EXIT_PROBLEM, ex.getMessage());
        }
    }

    /** The table: one line per key, oldest first, then where the keys are. */
    static void print(final PrintWriter out, final KeyRingFile file, final KeyRing ring)
    {
        final List<KeyRing.Key> keys = ring.keys();
        int width = "KID".length();
        for (final KeyRing.Key key : keys)
        {
            width = Math.max(width, key.kid().length());
        }
        out.println(pad("KID", width) + "  " + pad("CREATED", 20) + "  USE");
        for (final KeyRing.Key key : keys)
        {
            final String created = key.createdAtMs() == 0 ? "unknown" : Instant.ofEpochMilli(key.createdAtMs())
                .truncatedTo(ChronoUnit.SECONDS).toString();
            final String use = (key == ring.signingKey() ? "signs new tokens, verifies" : "verifies")
                + (key.legacy() ? " (also tokens without a kid)" : "");
            out.println(pad(key.kid(), width) + "  " + pad(created, 20) + "  " + use);
        }
        out.println("keys in " + file.source());
        out.flush();
    }

    private static String pad(final String text, final int width)
    {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
