package io.ledger.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The size limits of issue 11, over the main sources of every module: no file over {@value #FILE_LINES_MAX} lines, no
 * method (or constructor) over {@value #METHOD_LINES_MAX}. A method's lines run from its declaration (annotations
 * included) to its closing brace. {@link SourceLimitsTest} fails the build on a violation; {@code scripts/source-limits.sh}
 * runs {@link #main} (JDK only, as a single source file) to print them.
 *
 * <p>The scan is a small brace matcher over the source with comments, strings, text blocks and character literals
 * blanked out: a block is a type's body when its header declares a class, interface, enum or record (or an anonymous
 * class), and a method's when it sits directly in a type's body and its header ends with a parameter list (and perhaps
 * a {@code throws} clause).
 */
final class SourceLimits
{
    static final int FILE_LINES_MAX = 700;
    static final int METHOD_LINES_MAX = 80;
    /** "About 80": methods allowed a few lines more, each with its reason. */
    private static final Map<String, Integer> METHOD_ALLOWANCES = Map.of(
        "http-adapter/src/main/java/io/ledger/http/auth/JwtAuthenticator.java#authenticate0", 85); // key rotation reworks it

    private static final Set<String> MODULES = Set.of("engine", "journal", "http-adapter", "server", "cluster", "benchmarks", "api-tests");
    private static final Pattern TYPE = Pattern.compile("(^|[^\\w.])(class|interface|enum|record)\\s+\\w");
    private static final Pattern CONTROL = Pattern.compile("^(if|for|while|switch|catch|synchronized|try|else|do|return|new|throw|case)\\b");
    private static final Pattern ANNOTATION = Pattern.compile("@[\\w.]+(\\s*\\(([^()]|\\([^()]*\\))*\\))?");
    private static final Pattern METHOD = Pattern.compile("(\\w+)\\s*\\(([^()]|\\([^()]*\\))*\\)\\s*(throws\\s+[\\w.,\\s<>]+)?$");

    /** One limit broken. */
    record Violation(String where, int lines, int max)
    {
        @Override
        public String toString()
        {
            return where + " " + lines + " lines (max " + max + ")";
        }
    }

    /** Prints every file and method over the limits; exit code 0 whatever it finds. */
    public static void main(final String[] args)
    {
        final Path root = args.length > 0 ? Path.of(args[0]) : root();
        final List<Violation> violations = scan(root);
        violations.forEach(System.out::println);
        System.out.println(violations.size() + " over the limits (files > " + FILE_LINES_MAX + " lines, methods > "
            + METHOD_LINES_MAX + " lines) in " + sources(root).size() + " main source files");
    }

    static List<Violation> scan(final Path root)
    {
        final List<Violation> violations = new ArrayList<>();
        for (final Path file : sources(root))
        {
            final String where = root.relativize(file).toString().replace('\\', '/');
            final String source = read(file);
            final int lines = (int)source.lines().count();
            if (lines > FILE_LINES_MAX)
            {
                violations.add(new Violation(where, lines, FILE_LINES_MAX));
            }
            methods(source, (name, methodLines) ->
            {
                final int max = METHOD_ALLOWANCES.getOrDefault(where + "#" + name, METHOD_LINES_MAX);
                if (methodLines > max)
                {
                    violations.add(new Violation(where + "#" + name, methodLines, max));
                }
            });
        }
        return violations;
    }

    /** Receives each method's name and length. */
    interface MethodSink
    {
        void method(String name, int lines);
    }

    /** Reports every method and constructor of {@code source} with its length in lines. */
    static void methods(final String source, final MethodSink sink)
    {
        final String code = blank(source);
        final Deque<Object[]> blocks = new ArrayDeque<>(); // {kind, name, startLine}
        int line = 1;
        int headerStart = 0;
        for (int i = 0; i < code.length(); i++)
        {
            final char c = code.charAt(i);
            if (c == '\n')
            {
                line++;
            }
            else if (c == '{')
            {
                final String header = code.substring(headerStart, i).strip();
                final boolean inType = blocks.isEmpty() || blocks.peek()[0] == "type";
                blocks.push(classify(header, inType, line - trailingNewlines(code, headerStart, i) - newlines(header)));
                headerStart = i + 1;
            }
            else if (c == '}')
            {
                final Object[] block = blocks.pop();
                if (block[0] == "method")
                {
                    sink.method((String)block[1], line - (int)block[2] + 1);
                }
                headerStart = i + 1;
            }
            else if (c == ';')
            {
                headerStart = i + 1;
            }
        }
    }

    private static Object[] classify(final String header, final boolean inType, final int startLine)
    {
        final String flat = ANNOTATION.matcher(header.replaceAll("\\s+", " ")).replaceAll("").strip();
        if (TYPE.matcher(flat).find() || flat.startsWith("new ") || flat.contains("= new ") || flat.matches(".*\\bnew [\\w.<>]+\\(.*\\)$"))
        {
            return new Object[] {"type", null, startLine};
        }
        if (inType && !flat.contains("->") && !flat.contains("=") && !CONTROL.matcher(flat).find())
        {
            final Matcher method = METHOD.matcher(flat);
            if (method.find())
            {
                return new Object[] {"method", method.group(1), startLine};
            }
        }
        return new Object[] {"block", null, startLine};
    }

    private static int newlines(final String text)
    {
        return (int)text.chars().filter(ch -> ch == '\n').count();
    }

    /** @return the line breaks between the header's last character and the brace at {@code brace}. */
    private static int trailingNewlines(final String code, final int from, final int brace)
    {
        final String between = code.substring(from, brace);
        return newlines(between.substring(between.stripTrailing().length()));
    }

    /** @return {@code source} with comments, strings, text blocks and char literals replaced by spaces (line breaks kept). */
    static String blank(final String source)
    {
        final StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        final int n = source.length();
        while (i < n)
        {
            final char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/')
            {
                while (i < n && source.charAt(i) != '\n')
                {
                    out.append(' ');
                    i++;
                }
            }
            else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*')
            {
                final int end = source.indexOf("*/", i + 2);
                i = skip(source, out, i, end < 0 ? n : end + 2);
            }
            else if (source.startsWith("\"\"\"", i))
            {
                final int end = source.indexOf("\"\"\"", i + 3);
                i = skip(source, out, i, end < 0 ? n : end + 3);
            }
            else if (c == '"' || c == '\'')
            {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n')
                {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = skip(source, out, i, Math.min(n, j + 1));
            }
            else
            {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int skip(final String source, final StringBuilder out, final int from, final int to)
    {
        for (int k = from; k < to; k++)
        {
            out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
        return to;
    }

    static List<Path> sources(final Path root)
    {
        final List<Path> files = new ArrayList<>();
        for (final String module : MODULES)
        {
            final Path main = root.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(main))
            {
                try (Stream<Path> walk = Files.walk(main))
                {
                    walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
        }
        return files;
    }

    /** @return the project's root: the nearest directory up from here that holds engine/ and server/. */
    static Path root()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("engine")) && Files.isDirectory(dir.resolve("server"))))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("cwd=" + Path.of("").toAbsolutePath() + " is not inside the project");
        }
        return dir;
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
