package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suggested alert rules, {@code docs/alerts.yml}: Prometheus's own {@code promtool} accepts them and, with the
 * series of {@code alerts/alerts-test.yml}, fires each page-level alert with the labels and annotations documented;
 * and every ledger, JVM and process metric their expressions name is one the server serves (a renamed metric would
 * otherwise leave an alert silently never firing).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertRulesTest
{
    /** Names in an expression that are metrics the server itself serves (others: Prometheus's {@code up}). */
    private static final Pattern SERVED_NAME = Pattern.compile("\\b((?:ledger|jvm|process)_[a-z0-9_]+)\\b");

    @TempDir
    Path temp;

    @Test
    void shouldNameOnlyMetricsTheServerServes() throws Exception
    {
        final List<String> expressions = expressions(Files.readString(alertsFile()));
        assertTrue(expressions.size() >= 10, "rules found: " + expressions.size());
        final Set<String> named = new TreeSet<>();
        for (final String expression : expressions)
        {
            final Matcher matcher = SERVED_NAME.matcher(expression);
            while (matcher.find())
            {
                named.add(matcher.group(1));
            }
        }
        try (TestServer first = new TestServer(temp.resolve("data")))
        {
            first.payIn("alerts_m", first.createCustomer("alerts_m", null), 5); // the clean stop writes a snapshot
        }
        try (TestServer server = new TestServer(temp.resolve("data"))) // which the snapshot gauges need
        {
            assertEquals(200, server.get("/api/canary/health", null).statusCode()); // a response counted
            final HttpResponse<String> scrape = server.scrape();
            assertEquals(200, scrape.statusCode());
            final Set<String> served = new TreeSet<>();
            for (final String line : scrape.body().split("\n"))
            {
                if (!line.isEmpty() && !line.startsWith("#"))
                {
                    served.add(line.split("[{ ]", 2)[0]);
                }
            }
            final Set<String> missing = new TreeSet<>(named);
            missing.removeAll(served);
            assertEquals(Set.of(), missing, "metrics docs/alerts.yml names that /metrics does not serve; served: " + served);
        }
    }

    @Test
    void shouldBeAcceptedByPromtoolAndFireAsItsUnitTestsExpect() throws Exception
    {
        assumePromtool();
        final Path rules = Files.copy(alertsFile(), temp.resolve("alerts.yml"));
        final Path tests = temp.resolve("alerts-test.yml");
        try (InputStream in = AlertRulesTest.class.getResourceAsStream("/alerts/alerts-test.yml"))
        {
            Files.write(tests, in.readAllBytes());
        }
        final String check = promtool("check", "rules", rules.toString());
        assertTrue(check.contains("SUCCESS"), check);
        final String test = promtool("test", "rules", tests.toString());
        assertTrue(test.contains("SUCCESS"), test);
        assertFalse(test.contains("FAILED"), test);
    }

    /** @return each rule's {@code expr}, a folded block ({@code expr: >}) joined into one line. */
    static List<String> expressions(final String yaml)
    {
        final List<String> expressions = new ArrayList<>();
        final String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i];
            final int at = line.indexOf("expr:");
            if (at < 0 || line.stripLeading().startsWith("#"))
            {
                continue;
            }
            final String value = line.substring(at + "expr:".length()).strip();
            if (!value.equals(">") && !value.equals("|"))
            {
                expressions.add(value);
                continue;
            }
            final StringBuilder block = new StringBuilder();
            final int indent = at;
            while (i + 1 < lines.length && (lines[i + 1].isBlank() || indentOf(lines[i + 1]) > indent))
            {
                block.append(lines[++i].strip()).append(' ');
            }
            expressions.add(block.toString().strip());
        }
        return expressions;
    }

    private static int indentOf(final String line)
    {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ')
        {
            indent++;
        }
        return indent;
    }

    private static Path alertsFile()
    {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("docs").resolve("alerts.yml");
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/alerts.yml not found above " + Path.of("").toAbsolutePath());
    }

    private static void assumePromtool()
    {
        boolean available;
        try
        {
            final Process version = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            available = version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            available = false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        final String message = "promtool is needed to check docs/alerts.yml (apt-get install prometheus; .ci/run installs it)";
        if (!available && System.getenv("CI") != null)
        {
            throw new AssertionError(message + ", and CI is set: not skipping");
        }
        Assumptions.assumeTrue(available, message);
    }

    private static String promtool(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
