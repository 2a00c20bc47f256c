package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README as a newcomer would: {@code ./ledger serve} in one process (the launcher, the real jar), and every
 * {@code sh} block of the README after it, then every {@code sh} block of docs/api.md's Examples (which go on from the
 * README's last command), in one bash session, from the repository root. Each block's output must match the
 * {@code json} or {@code text} block that follows it in the document, or be empty when none follows.
 *
 * <p>Substituted, as the README's own variables allow: the data directory ({@code LEDGER_DATA_DIR}, a temporary
 * one, so that the ids are those of a fresh directory) and the port ({@code LEDGER_PORT=0}, a free one, written for
 * {@code 9000} in the commands and the expected outputs). Normalised, because they legitimately vary: timestamps,
 * tokens, what the documents elide with {@code ...}, and the generated ids (every data directory issues its own): an
 * id is renamed after the order it first appears in, on each side, so where the document shows the same id twice the
 * server must have answered the same id twice. Everything else must be equal.
 * {@code mvn -B verify} itself is not run (it is what runs this).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReadmeWalkthroughTest
{
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```\\n");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    private static final Pattern TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final Pattern LISTENING = Pattern.compile("ledger listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final String END = "@@end-of-block@@";
    /** A public id ({@code cus_...}), or a Paywall GUID ({@code 4c656467-6572-8...}, issue 15). */
    private static final Pattern ID = Pattern.compile("(?<![0-9a-z_])(cus|pin|pur|txn|trf|po|pm|bal|rfd|gft)_[0-9a-z]{10}(?![0-9a-z])"
        + "|(?<![0-9a-f-])4c656467-6572-8[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])");

    /** A shell block and the output the document shows under it (null: none shown, so none expected). */
    private record Step(String source, String commands, String expected)
    {
    }

    @TempDir
    Path temp;

    /** Named {@code data} like the README's, so that its {@code .../data} matches. */
    private Path dataDir;
    /** Each id met so far, on each side, and the name it was given (by order of first appearance). */
    private final Map<String, String> expectedIds = new HashMap<>();
    private final Map<String, String> actualIds = new HashMap<>();

    @Test
    void shouldRunEveryReadmeAndApiExampleBlockWithTheOutputsShown() throws Exception
    {
        final Path root = Path.of("..").toRealPath();
        dataDir = temp.resolve("data");
        final boolean repoDataBefore = Files.exists(root.resolve("data"));
        assertTrue(Files.isExecutable(root.resolve("ledger")), "the launcher at " + root);
        assumeTools();
        final List<Step> readme = steps(root.resolve("README.md"), "README.md", null);
        final List<Step> examples = steps(root.resolve("docs/api.md"), "docs/api.md", "## Examples");
        assertEquals("./ledger serve", readme.get(0).commands().strip(), "the README starts the server first");
        assertEquals("mvn -B verify", readme.get(1).commands().strip(), "then names the one test command");
        assertTrue(readme.size() > 8 && examples.size() > 5, "blocks found: " + readme.size() + " + " + examples.size());

        final ProcessBuilder serveBuilder = new ProcessBuilder("./ledger", "serve").directory(root.toFile());
        environment(serveBuilder);
        serveBuilder.environment().put("LEDGER_PORT", "0");
        serveBuilder.redirectError(temp.resolve("serve.err").toFile());
        final Process serve = serveBuilder.start();
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            final List<String> printed = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                final String line = out.readLine(); // bounded by the test's timeout (the launcher may build the jar first)
                assertTrue(line != null, "./ledger serve stopped; printed " + printed);
                printed.add(line);
            }
            final Matcher listening = LISTENING.matcher(printed.get(0));
            assertTrue(listening.find(), printed.get(0));
            final String port = listening.group(1);
            assertMatches(readme.get(0), withPort(readme.get(0).expected(), port), String.join("\n", printed));

            final List<Step> session = new ArrayList<>(readme.subList(2, readme.size()));
            session.addAll(examples);
            final List<String> outputs = runSession(root, session, port);
            assertEquals(session.size(), outputs.size(), "every block ran: " + outputs);
            for (int i = 0; i < session.size(); i++)
            {
                final Step step = session.get(i);
                assertMatches(step, step.expected() == null ? "" : withPort(step.expected(), port), outputs.get(i));
            }
        }
        finally
        {
            serve.destroy(); // SIGTERM: a clean stop
            if (!serve.waitFor(60, TimeUnit.SECONDS))
            {
                serve.destroyForcibly();
            }
        }
        assertEquals(0, serve.exitValue(), "./ledger serve stops cleanly on SIGTERM");
        assertTrue(repoDataBefore || !Files.exists(root.resolve("data")), "LEDGER_DATA_DIR was used, not ./data");
        assertTrue(Files.exists(dataDir.resolve("journal")), "the journal went to LEDGER_DATA_DIR");
    }

    /** curl and sed are what the walk-through uses besides the launcher. */
    private static void assumeTools()
    {
        final boolean present = Files.isExecutable(Path.of("/usr/bin/curl")) && Files.isExecutable(Path.of("/usr/bin/sed"))
            && Files.isExecutable(Path.of("/bin/bash"));
        if (!present && System.getenv("CI") != null)
        {
            throw new AssertionError("bash, curl and sed are needed by the README walk-through, and CI is set: not skipping");
        }
        Assumptions.assumeTrue(present, "bash, curl and sed are needed by the README walk-through");
    }

    private void environment(final ProcessBuilder builder)
    {
        builder.environment().put("LEDGER_DATA_DIR", dataDir.toString());
        builder.environment().put("LEDGER_JAVA_OPTS", "-Xms64m -Xmx512m -XX:+UseSerialGC");
        builder.environment().putIfAbsent("LEDGER_MVN_ARGS", "-o"); // if the jar must be built, everything is in ~/.m2 by now
        builder.environment().remove("LEDGER_JWT_SECRET");
        builder.environment().remove("LEDGER_PORT");
    }

    /** Runs the blocks in one bash, in order, and returns what each printed on stdout. */
    private List<String> runSession(final Path root, final List<Step> steps, final String port) throws IOException, InterruptedException
    {
        final StringBuilder script = new StringBuilder("set -u\n");
        for (final Step step : steps)
        {
            script.append(step.commands().replace("localhost:9000", "localhost:" + port));
            script.append("\nprintf '\\n").append(END).append("\\n'\n");
        }
        final Path file = temp.resolve("walkthrough.sh");
        Files.writeString(file, script);
        final ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).directory(root.toFile());
        environment(builder);
        final Path stderr = temp.resolve("walkthrough.err");
        builder.redirectError(stderr.toFile());
        final Process bash = builder.start();
        final String stdout = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(120, TimeUnit.SECONDS), "the walk-through finished");
        assertEquals(0, bash.exitValue(), "the walk-through's shell: " + Files.readString(stderr));
        final List<String> outputs = new ArrayList<>();
        for (final String chunk : stdout.split("\n" + END + "\n", -1))
        {
            outputs.add(chunk);
        }
        outputs.remove(outputs.size() - 1); // after the last marker
        return outputs;
    }

    private void assertMatches(final Step step, final String expected, final String actual)
    {
        final List<String> want = lines(idsOut(TIMESTAMP.matcher(expected).replaceAll("<time>"), expectedIds));
        final List<String> got = lines(idsOut(TIMESTAMP.matcher(actual).replaceAll("<time>"), actualIds));
        final String context = step.source() + ", the block\n" + step.commands() + "\nprinted\n" + actual + "\nbut the document shows\n"
            + expected;
        assertEquals(want.size(), got.size(), context);
        for (int i = 0; i < want.size(); i++)
        {
            final String line = want.get(i);
            final boolean matches = line.contains("...") // an elision: the rest must match around it
                ? got.get(i).matches(Pattern.quote(line).replace("...", "\\E.*\\Q"))
                : tokensOut(line).equals(tokensOut(got.get(i)));
            assertTrue(matches, "line " + (i + 1) + ": " + context);
        }
    }

    /** Renames every id by the order it first appeared in on this side: {@code cus_<1>}, {@code pin_<2>}, ... */
    private static String idsOut(final String text, final Map<String, String> names)
    {
        final Matcher id = ID.matcher(text);
        final StringBuilder renamed = new StringBuilder();
        while (id.find())
        {
            final String name = names.computeIfAbsent(id.group(), k -> (id.group(1) == null ? "guid" : id.group(1)) + "_<" + (names.size() + 1) + ">");
            id.appendReplacement(renamed, Matcher.quoteReplacement(name));
        }
        return id.appendTail(renamed).toString();
    }

    private static String tokensOut(final String text)
    {
        return TOKEN.matcher(text).replaceAll("<token>");
    }

    private static List<String> lines(final String text)
    {
        final List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty())
        {
            lines.remove(lines.size() - 1);
        }
        while (!lines.isEmpty() && lines.get(0).isEmpty())
        {
            lines.remove(0);
        }
        return lines;
    }

    private static String withPort(final String text, final String port)
    {
        return text.replace(":9000", ":" + port);
    }

    /**
     * @param fromHeading null for the whole document, else the heading whose section (up to the next heading of its
     *                    level) holds the blocks.
     */
    private static List<Step> steps(final Path markdown, final String source, final String fromHeading) throws IOException
    {
        String text = Files.readString(markdown);
        if (fromHeading != null)
        {
            final int start = text.indexOf("\n" + fromHeading + "\n");
            assertTrue(start >= 0, source + " has no " + fromHeading);
            final int next = text.indexOf("\n## ", start + fromHeading.length() + 1);
            text = text.substring(start, next < 0 ? text.length() : next);
        }
        final List<Step> steps = new ArrayList<>();
        final Matcher fence = FENCE.matcher(text);
        Step pending = null;
        int pendingEnd = -1;
        while (fence.find())
        {
            final String language = fence.group(1);
            if (language.equals("sh"))
            {
                if (pending != null)
                {
                    steps.add(pending);
                }
                pending = new Step(source, fence.group(2), null);
                pendingEnd = fence.end();
            }
            else if (pending != null && (language.equals("json") || language.equals("text"))
                && text.substring(pendingEnd, fence.start()).isBlank())
            {
                steps.add(new Step(source, pending.commands(), fence.group(2)));
                pending = null;
            }
        }
        if (pending != null)
        {
            steps.add(pending);
        }
        return steps;
    }
}
