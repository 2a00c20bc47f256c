package io.ledger.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Parses a {@code /metrics} exposition with the Prometheus project's own Python client (Debian's
 * {@code python3-prometheus-client}, which {@code .ci/run} installs): its strict OpenMetrics 1.0 parser, or its text
 * format 0.0.4 parser. The Java client ships writers only, no parser; this is the well-kept parser closest to what
 * a Prometheus server does with a scrape (the OpenMetrics one is the reference parser of the OpenMetrics test suite).
 *
 * <p>Without {@code python3} and the module, a test using it is skipped with a message, unless the environment
 * variable {@code CI} is set: then it fails, so that CI never passes without checking the format.
 */
final class ExpositionParser
{
    /** A metric family as the parser returned it. */
    record Family(String name, String type, String help, String unit, List<Sample> samples)
    {
    }

    /** One sample: its full name (with {@code _total}, {@code _bucket}...), its labels and its value. */
    record Sample(String name, Map<String, String> labels, double value)
    {
    }

    private static final String PYTHON = "/usr/bin/python3";

    private ExpositionParser()
    {
    }

    /** Skips the calling test (or fails it under CI) when the parser is not installed. */
    static void assumeAvailable()
    {
        boolean available;
        try
        {
            final Process check = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.openmetrics.parser")
                .redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            available = check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
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
        final String message = PYTHON + " with the prometheus_client module is needed to parse /metrics "
            + "(apt-get install python3-prometheus-client; .ci/run installs it)";
        if (!available && System.getenv("CI") != null)
        {
            throw new AssertionError(message + ", and CI is set: not skipping");
        }
        Assumptions.assumeTrue(available, message);
    }

    /**
     * @param openMetrics true for the strict OpenMetrics parser, false for the text format 0.0.4 one.
     * @return the families in exposition order.
     * @throws AssertionError with the parser's complaint when the exposition does not parse.
     */
    static Map<String, Family> parse(final String exposition, final boolean openMetrics) throws IOException
    {
        final Path script = Files.createTempFile("parse_exposition", ".py");
        try
        {
            try (InputStream in = ExpositionParser.class.getResourceAsStream("metrics/parse_exposition.py"))
            {
                Files.write(script, in.readAllBytes());
            }
            final Process process = new ProcessBuilder(PYTHON, script.toString(), openMetrics ? "openmetrics" : "text").start();
            try (OutputStream stdin = process.getOutputStream())
            {
                stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
            }
            final byte[] out = process.getInputStream().readAllBytes();
            final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError("the exposition parser did not finish within 60 s");
            }
            if (process.exitValue() != 0)
            {
                throw new AssertionError((openMetrics ? "OpenMetrics" : "text 0.0.4") + " parser refused the exposition: "
                    + err + "\n" + exposition);
            }
            return families(TestJson.parse(new String(out, StandardCharsets.UTF_8)));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        finally
        {
            Files.deleteIfExists(script);
        }
    }

    /** @return the value of the sample with exactly this name and these labels (name, value, ...). */
    static double value(final Map<String, Family> families, final String sample, final String... labels)
    {
        final Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2)
        {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (final Family family : families.values())
        {
            for (final Sample s : family.samples())
            {
                if (s.name().equals(sample) && s.labels().equals(wanted))
                {
                    return s.value();
                }
            }
        }
        throw new AssertionError("no sample " + sample + wanted);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Family> families(final Object json)
    {
        final Map<String, Family> families = new LinkedHashMap<>();
        for (final Object item : (List<Object>)json)
        {
            final Map<String, Object> f = (Map<String, Object>)item;
            final List<Sample> samples = new ArrayList<>();
            for (final Object o : (List<Object>)f.get("samples"))
            {
                final Map<String, Object> s = (Map<String, Object>)o;
                final Map<String, String> labels = new LinkedHashMap<>();
                ((Map<String, Object>)s.get("labels")).forEach((k, v) -> labels.put(k, (String)v));
                final Object v = s.get("value");
                final double value = v instanceof Number n ? n.doubleValue()
                    : "NaN".equals(v) ? Double.NaN : "+Inf".equals(v) ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                samples.add(new Sample((String)s.get("name"), labels, value));
            }
            final String name = (String)f.get("name");
            families.put(name, new Family(name, (String)f.get("type"), (String)f.get("help"), (String)f.get("unit"), samples));
        }
        return families;
    }
}
