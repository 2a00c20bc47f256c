package io.ledger.http.metrics;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one {@code # HELP} and one
 * {@code # TYPE} line, then its samples {@code name{label="value",...} value}. HELP text escapes {@code \} and
 * newline; label values escape {@code \}, {@code "} and newline; values are Go-style floats ({@code NaN},
 * {@code +Inf}, {@code -Inf}).
 *
 * <p>Not thread-safe: one per scrape. Allocates; used only when {@code /metrics} is read, never on a request path.
 */
final class PrometheusText
{
    /** The {@code Content-Type} of this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out;

    PrometheusText(final StringBuilder out)
    {
        this.out = out;
    }

    /** Starts a family: its HELP and TYPE lines. {@code type} is counter, gauge, summary, histogram or untyped. */
    PrometheusText family(final String name, final String type, final String help)
    {
        assert validName(name) : "name=" + name;
        out.append("# HELP ").append(name).append(' ');
        escapeHelp(help);
        out.append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    PrometheusText sample(final String name, final double value)
    {
        out.append(name).append(' ');
        value(value);
        out.append('\n');
        return this;
    }

    /** @param labels label names and values, alternating: {@code "route", "create_purchase", "status", "201"}. */
    PrometheusText sample(final String name, final double value, final String... labels)
    {
        assert labels.length % 2 == 0 : "labels must be name/value pairs";
        out.append(name).append('{');
        for (int i = 0; i < labels.length; i += 2)
        {
            assert validLabelName(labels[i]) : "label=" + labels[i];
            if (i > 0)
            {
                out.append(',');
            }
            out.append(labels[i]).append("=\"");
            escapeLabelValue(labels[i + 1]);
            out.append('"');
        }
        out.append("} ");
        value(value);
        out.append('\n');
        return this;
    }

    private void value(final double value)
    {
        if (Double.isNaN(value))
        {
            out.append("NaN");
        }
        else if (value == Double.POSITIVE_INFINITY)
        {
            out.append("+Inf");
        }
        else if (value == Double.NEGATIVE_INFINITY)
        {
            out.append("-Inf");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 0x1p53)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
    }

    private void escapeHelp(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private void escapeLabelValue(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append("\\\"");
                default -> out.append(c);
            }
        }
    }

    /** @return true when {@code name} matches {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    static boolean validName(final String name)
    {
        if (name.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
            if (!letter && !(i > 0 && c >= '0' && c <= '9'))
            {
                return false;
            }
        }
        return true;
    }

    /** @return true when {@code name} matches {@code [a-zA-Z_][a-zA-Z0-9_]*} and does not start with {@code __}. */
    static boolean validLabelName(final String name)
    {
        return validName(name) && name.indexOf(':') < 0 && !name.startsWith("__");
    }
}
