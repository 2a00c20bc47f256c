package io.ledger.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks with the project's JVM flags and defaults sized for a two-core box.
 *
 * <p><b>One source of JVM flags.</b> Chronicle Queue needs {@code --add-opens}/{@code --add-exports} and
 * {@code -D} switches in every JVM that opens a queue, and JMH forks do not read a jar manifest. The flags live
 * in one file, {@code config/jvm.options} (a java {@code @argfile}, also used by the launcher and Surefire).
 * The benchmark annotations carry none of them: {@code @Fork(jvmArgsAppend = "@config/jvm.options")} would
 * resolve against whatever directory the fork happens to start in. Instead this runner reads the file, from the
 * path in system property {@value #OPTIONS_PROPERTY} or else the first {@code config/jvm.options} found walking
 * up from the working directory or from this jar, and passes its lines to the forks with
 * {@code jvmArgsAppend}. The smoke test uses {@link #jvmFlags()} the same way.
 *
 * <p><b>Arguments</b> are JMH's own (e.g. {@code -prof gc}, {@code -p journal=none}, {@code -f 2}); a leading
 * regex selects benchmarks (all by default). Defaults apply only to what the arguments leave unset: 3 warm-up
 * and 5 measured iterations of 2 s, 1 fork, JSON results in {@code benchmarks/target/jmh-result.json}. Flags
 * given with {@code -jvmArgsAppend} are kept and the file's flags added after them. {@code -h}, {@code -l},
 * {@code -lp} and {@code -lprof} go straight to {@code org.openjdk.jmh.Main}.
 *
 * <p><b>Tools.</b> A first argument of {@code load}, {@code bare-server}, {@code pgbench-result}, {@code redis-result} or {@code report}
 * runs that tool instead of JMH ({@link BenchTool}).
 */
public final class BenchmarkMain
{
    /** System property naming the JVM options file. */
    public static final String OPTIONS_PROPERTY = "ledger.jvm.options";
    private static final Path OPTIONS_RELATIVE = Paths.get("config", "jvm.options");

    private BenchmarkMain()
    {
    }

    public static void main(final String[] args) throws RunnerException, CommandLineOptionException, IOException
    {
        if (args.length > 0 && BenchTool.COMMANDS.contains(args[0]))
        {
            BenchTool.main(args);
            return;
        }
        for (final String arg : args)
        {
            if (arg.equals("-h") || arg.equals("-l") || arg.equals("-lp") || arg.equals("-lprof") || arg.equals("-lrf"))
            {
                org.openjdk.jmh.Main.main(args);
                return;
            }
        }
        final CommandLineOptions cmd = new CommandLineOptions(args);
        final Path optionsFile = jvmOptionsFile();
        final List<String> append = new ArrayList<>(cmd.getJvmArgsAppend().orElse(List.of()));
        append.addAll(readFlags(optionsFile));

        final ChainedOptionsBuilder builder = new OptionsBuilder().parent(cmd).jvmArgsAppend(append.toArray(new String[0]));
        if (cmd.getIncludes().isEmpty())
        {
            builder.include("io\\.ledger\\..*Benchmark");
        }
        if (!cmd.getWarmupIterations().hasValue())
        {
            builder.warmupIterations(3);
        }
        if (!cmd.getWarmupTime().hasValue())
        {
            builder.warmupTime(TimeValue.seconds(2));
        }
        if (!cmd.getMeasurementIterations().hasValue())
        {
            builder.measurementIterations(5);
        }
        if (!cmd.getMeasurementTime().hasValue())
        {
            builder.measurementTime(TimeValue.seconds(2));
        }
        if (!cmd.getForkCount().hasValue())
        {
            builder.forks(1);
        }
        if (!cmd.getTimeUnit().hasValue())
        {
            builder.timeUnit(TimeUnit.SECONDS);
        }
        if (!cmd.getResultFormat().hasValue())
        {
            builder.resultFormat(ResultFormatType.JSON);
        }
        if (!cmd.getResult().hasValue())
        {
            final Path repoRoot = optionsFile.toAbsolutePath().getParent().getParent();
            final Path result = repoRoot.resolve(Paths.get("benchmarks", "target", "jmh-result.json"));
            Files.createDirectories(result.getParent());
            builder.result(result.toString());
        }
        new Runner(builder.build()).run();
    }

    /** @return the flags of the project's JVM options file, one per non-blank, non-comment line. */
    public static List<String> jvmFlags()
    {
        return readFlags(jvmOptionsFile());
    }

    /**
     * @return {@code config/jvm.options}: from {@value #OPTIONS_PROPERTY}, else found walking up from the working
     * directory, else from the location of this class.
     * @throws IllegalStateException naming where it looked.
     */
    public static Path jvmOptionsFile()
    {
        final String property = System.getProperty(OPTIONS_PROPERTY);
        if (property != null && !property.isBlank())
        {
            final Path path = Paths.get(property);
            if (!Files.isRegularFile(path))
            {
                throw new IllegalStateException(OPTIONS_PROPERTY + "=" + path.toAbsolutePath() + " is not a file");
            }
            return path;
        }
        final Path cwd = Paths.get("").toAbsolutePath();
        Path found = walkUp(cwd);
        Path codeDir = null;
        if (found == null)
        {
            try
            {
                codeDir = Paths.get(BenchmarkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                found = walkUp(codeDir);
            }
            catch (final URISyntaxException | RuntimeException ex)
            {
                codeDir = null;
            }
        }
        if (found == null)
        {
            throw new IllegalStateException("jvmOptions=" + OPTIONS_RELATIVE + " not found above cwd=" + cwd +
                " or codeSource=" + codeDir + "; set -D" + OPTIONS_PROPERTY + "=<path>");
        }
        return found;
    }

    private static Path walkUp(final Path start)
    {
        for (Path dir = start; dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve(OPTIONS_RELATIVE);
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static List<String> readFlags(final Path file)
    {
        try
        {
            final List<String> flags = new ArrayList<>();
            for (final String line : Files.readAllLines(file))
            {
                final String flag = line.strip();
                if (!flag.isEmpty() && !flag.startsWith("#"))
                {
                    if (flag.contains(" ") || flag.contains("\"") || flag.contains("'"))
                    {
                        throw new IllegalStateException("jvmOptions=" + file + " line=\"" + flag + "\" must be one flag without spaces or quotes");
                    }
                    flags.add(flag);
                }
            }
            if (flags.isEmpty())
            {
                throw new IllegalStateException("jvmOptions=" + file + " holds no flags");
            }
            return flags;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("jvmOptions=" + file + " cannot be read", ex);
        }
    }
}
