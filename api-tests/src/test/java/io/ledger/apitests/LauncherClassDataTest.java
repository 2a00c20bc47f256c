package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive (AppCDS, {@code LEDGER_CDS}): with {@code LEDGER_CDS=auto} the first {@code ./ledger serve} after a build with a
 * given set of JVM flags writes one with a training start, and that start and the next load the server's classes from
 * it; {@code LEDGER_CDS=off}, the default, loads them from the jar. The JVM's class-loading log says where each class came from.
 * The flags carry a property unique to this run, so that the archive is this test's own (deleted after).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LauncherClassDataTest
{
    private static final Pattern WRITING = Pattern.compile("ledger: writing the class-data archive (\\S+\\.jsa) ");
    private static final String MAIN_FROM_ARCHIVE = "io.ledger.server.LedgerMain source: shared objects file";
    private static final String MAIN_FROM_JAR = "io.ledger.server.LedgerMain source: file:";

    @TempDir
    Path temp;

    @Test
    void shouldWriteTheArchiveOnceWhenAskedThenStartFromItAndNotByDefault() throws Exception
    {
        final Path root = Path.of("..").toRealPath();
        assertTrue(Files.isExecutable(root.resolve("ledger")), "the launcher at " + root);
        final String javaOpts = "-Xms64m -Xmx256m -XX:+UseSerialGC -Xlog:class+load=info -Dledger.test.cds=" + System.nanoTime();
        Path archive = null;
        try
        {
            final Start first = serve(root, javaOpts, "auto", "first");
            final Matcher writing = WRITING.matcher(first.stderr);
            assertTrue(writing.find(), "the first start writes the archive: " + first.stderr);
            archive = Path.of(writing.group(1));
            assertTrue(Files.size(archive) > 0, "archive " + archive);
            assertTrue(first.stdout.contains(MAIN_FROM_ARCHIVE), "and starts from it");

            final Start second = serve(root, javaOpts, "auto", "second");
            assertFalse(WRITING.matcher(second.stderr).find(), "written once: " + second.stderr);
            assertTrue(second.stdout.contains(MAIN_FROM_ARCHIVE), "the next start maps it too");

            final Start off = serve(root, javaOpts, "off", "off");
            assertFalse(WRITING.matcher(off.stderr).find(), off.stderr);
            assertFalse(off.stdout.contains(MAIN_FROM_ARCHIVE), "LEDGER_CDS=off: no archive");
            assertTrue(off.stdout.contains(MAIN_FROM_JAR), "the classes come from the jar");

            final Start unset = serve(root, javaOpts, null, "default");
            assertFalse(unset.stdout.contains(MAIN_FROM_ARCHIVE), "off unless asked for: " + unset.stderr);
            assertTrue(unset.stdout.contains(MAIN_FROM_JAR));
        }
        finally
        {
            if (archive != null)
            {
                Files.deleteIfExists(archive);
                Files.deleteIfExists(Path.of(archive.toString().replaceFirst("\\.jsa$", ".log")));
            }
        }
    }

    private record Start(String stdout, String stderr)
    {
    }

    /** {@code ./ledger serve} on a fresh data directory until it listens, then SIGTERM; what it printed. */
    private Start serve(final Path root, final String javaOpts, final String cds, final String name)
        throws IOException, InterruptedException
    {
        final Path out = temp.resolve(name + ".out");
        final Path err = temp.resolve(name + ".err");
        final ProcessBuilder builder = new ProcessBuilder("./ledger", "serve").directory(root.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("LEDGER_JAVA_OPTS", javaOpts);
        if (cds == null)
        {
            builder.environment().remove("LEDGER_CDS");
        }
        else
        {
            builder.environment().put("LEDGER_CDS", cds);
        }
        builder.environment().put("LEDGER_PORT", "0");
        builder.environment().put("LEDGER_DATA_DIR", temp.resolve(name + "-data").toString());
        builder.environment().putIfAbsent("LEDGER_MVN_ARGS", "-o");
        builder.environment().remove("LEDGER_JWT_SECRET");
        final Process serve = builder.start();
        try
        {
            while (!Files.readString(out, StandardCharsets.UTF_8).contains("ledger listening on "))
            {
                assertTrue(serve.isAlive(), "./ledger serve stopped: " + Files.readString(err, StandardCharsets.UTF_8));
                Thread.sleep(50); // bounded by the test's timeout (the launcher may build the jar first)
            }
        }
        finally
        {
            serve.destroy(); // SIGTERM
            if (!serve.waitFor(60, TimeUnit.SECONDS))
            {
                serve.destroyForcibly();
            }
        }
        return new Start(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
