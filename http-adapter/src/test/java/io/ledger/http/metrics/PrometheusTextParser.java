package io.ledger.http.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws on anything a Prometheus
 * server would refuse or that the format's rules forbid.
 *
 * <ul>
 *   <li>Every line ends with {@code \n}; no blank lines; comments other than HELP and TYPE are refused (none is
 *       written).</li>
 *   <li>{@code # HELP name text}: the text may escape only {@code \\} and {@code \n}. {@code # TYPE name type}:
 *       type is counter, gauge, summary, histogram or untyped. Each at most once per name, before its samples.</li>
 *   <li>Metric names match {@code [a-zA-Z_:][a-zA-Z0-9_:]*}; label names {@code [a-zA-Z_][a-zA-Z0-9_]*} and not
 *       {@code __}-prefixed; label values are quoted and may escape only {@code \\}, {@code \"} and {@code \n}.</li>
 *   <li>Values are Go floats ({@code NaN}, {@code +Inf}, {@code -Inf}, decimal or exponent); an optional integer
 *       timestamp may follow.</li>
 *   <li>A sample belongs to the family declared last: a summary's samples are the name (with a {@code quantile}
 *       label), {@code _sum} and {@code _count}; a histogram's {@code _bucket} (with {@code le}), {@code _sum},
 *       {@code _count}; others the name itself. Families are not interleaved, and no series appears twice.</li>
 *   <li>Counters, {@code _count} and {@code _sum} of summaries are not negative.</li>
 * </ul>
 */
public final class PrometheusTextParser
{
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "summary", "histogram", "untyped");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value)
    {
    }

    /** One metric family: its HELP, TYPE and samples. */
    public record Family(String name, String type, String help, List<Sample> samples)
    {
    }

    private PrometheusTextParser()
    {
    }

    /** @return the families in order. @throws IllegalArgumentException naming the line and the rule broken. */
    public static Map<String, Family> parse(final String text)
    {
        if (text.isEmpty() || !text.endsWith("\n"))
        {
            throw new IllegalArgumentException("the exposition must end with a newline");
        }
        final Map<String, Family> families = new LinkedHashMap<>();
        final Set<String> seriesSeen = new HashSet<>();
        final Set<String> closedFamilies = new HashSet<>();
        final Map<String, String> pendingHelp = new LinkedHashMap<>();
        Family current = null;
        final String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        for (int n = 0; n < lines.length; n++)
        {
            final String line = lines[n];
            final String where = "line " + (n + 1) + " '" + line + "': ";
            if (line.isEmpty())
            {
                throw new IllegalArgumentException(where + "blank line");
            }
            if (line.startsWith("#"))
            {
                final String[] parts = line.split(" ", 4);
                if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE")))
                {
                    throw new IllegalArgumentException(where + "only '# HELP' and '# TYPE' comments are written");
                }
                final String name = parts[2];
                requireName(where, name);
                if (parts[1].equals("HELP"))
                {
                    if (pendingHelp.containsKey(name) || families.containsKey(name))
                    {
                        throw new IllegalArgumentException(where + "second HELP for " + name);
                    }
                    pendingHelp.put(name, unescapeHelp(where, parts.length == 4 ? parts[3] : ""));
                }
                else
                {
                    if (parts.length != 4 || !TYPES.contains(parts[3]))
                    {
                        throw new IllegalArgumentException(where + "TYPE must be one of " + TYPES);
                    }
                    if (families.containsKey(name))
                    {
                        throw new IllegalArgumentException(where + "second TYPE for " + name);
                    }
                    if (current != null)
                    {
                        closedFamilies.add(current.name);
                    }
                    current = new Family(name, parts[3], pendingHelp.remove(name), new ArrayList<>());
                    families.put(name, current);
                }
                continue;
            }
            final Sample sample = parseSample(where, line);
            if (current == null || !belongs(current, sample))
            {
                throw new IllegalArgumentException(where + "sample outside its family (TYPE first, families not interleaved)");
            }
            final String series = sample.name + sample.labels;
            if (!seriesSeen.add(series))
            {
                throw new IllegalArgumentException(where + "duplicate series " + series);
            }
            if ((current.type.equals("counter") || sample.name.endsWith("_count") || sample.name.endsWith("_sum")
                || sample.name.endsWith("_bucket")) && sample.value < 0)
            {
                throw new IllegalArgumentException(where + "negative " + current.type + " value");
            }
            current.samples.add(sample);
        }
        if (!pendingHelp.isEmpty())
        {
            throw new IllegalArgumentException("HELP without TYPE or samples: " + pendingHelp.keySet());
        }
        return families;
    }

    private static boolean belongs(final Family family, final Sample sample)
    {
        final String name = family.name;
        return switch (family.type)
        {
            case "summary" -> sample.name.equals(name) && quantile(sample)
                || (sample.name.equals(name + "_sum") || sample.name.equals(name + "_count")) && !sample.labels.containsKey("quantile");
            case "histogram" -> sample.name.equals(name + "_bucket") && sample.labels.containsKey("le")
                || sample.name.equals(name + "_sum") || sample.name.equals(name + "_count");
            default -> sample.name.equals(name);
        };
    }

    private static boolean quantile(final Sample sample)
    {
        final String q = sample.labels.get("quantile");
        if (q == null || !FLOAT.matcher(q).matches())
        {
            return false;
        }
        final double value = Double.parseDouble(q);
        return value >= 0 && value <= 1;
    }

    private static Sample parseSample(final String where, final String line)
    {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ')
        {
            i++;
        }
        final String name = line.substring(0, i);
        requireName(where, name);
        final Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.length())
                {
                    throw new IllegalArgumentException(where + "unterminated label set");
                }
                if (line.charAt(i) == '}')
                {
                    i++;
                    break;
                }
                final int eq = line.indexOf('=', i);
                if (eq < 0)
                {
                    throw new IllegalArgumentException(where + "label without '='");
                }
                final String labelName = line.substring(i, eq);
                if (!LABEL_NAME.matcher(labelName).matches() || labelName.startsWith("__"))
                {
                    throw new IllegalArgumentException(where + "bad label name '" + labelName + "'");
                }
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"')
                {
                    throw new IllegalArgumentException(where + "label value must be quoted");
                }
                final StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true)
                {
                    if (j >= line.length())
                    {
                        throw new IllegalArgumentException(where + "unterminated label value");
                    }
                    final char c = line.charAt(j);
                    if (c == '"')
                    {
                        break;
                    }
                    if (c == '\\')
                    {
                        final char next = j + 1 < line.length() ? line.charAt(j + 1) : 0;
                        switch (next)
                        {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new IllegalArgumentException(where + "bad escape in label value");
                        }
                        j += 2;
                        continue;
                    }
                    value.append(c);
                    j++;
                }
                if (labels.put(labelName, value.toString()) != null)
                {
                    throw new IllegalArgumentException(where + "label " + labelName + " twice");
                }
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',')
                {
                    i++;
                }
                else if (i < line.length() && line.charAt(i) != '}')
                {
                    throw new IllegalArgumentException(where + "labels must be separated by ','");
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ')
        {
            throw new IllegalArgumentException(where + "one space must separate the value");
        }
        final String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2)
        {
            throw new IllegalArgumentException(where + "expected a value and an optional timestamp");
        }
        if (rest.length == 2 && !rest[1].matches("-?[0-9]+"))
        {
            throw new IllegalArgumentException(where + "bad timestamp");
        }
        return new Sample(name, labels, value(where, rest[0]));
    }

    private static double value(final String where, final String text)
    {
        return switch (text)
        {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default ->
            {
                if (!FLOAT.matcher(text).matches())
                {
                    throw new IllegalArgumentException(where + "bad value '" + text + "'");
                }
                yield Double.parseDouble(text);
            }
        };
    }

    private static void requireName(final String where, final String name)
    {
        if (!METRIC_NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException(where + "bad metric name '" + name + "'");
        }
    }

    private static String unescapeHelp(final String where, final String text)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\\')
            {
                final char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                switch (next)
                {
                    case '\\' -> sb.append('\\');
                    case 'n' -> sb.append('\n');
                    default -> throw new IllegalArgumentException(where + "bad escape in HELP");
                }
                i++;
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** @return the value of the one sample of {@code name} with exactly these labels. */
    public static double value(final Map<String, Family> families, final String name, final String... labels)
    {
        final Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2)
        {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (final Family family : families.values())
        {
            for (final Sample sample : family.samples)
            {
                if (sample.name.equals(name) && sample.labels.equals(wanted))
                {
                    return sample.value;
                }
            }
        }
        throw new AssertionError("no sample " + name + wanted);
    }
}
