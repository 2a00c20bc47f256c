package io.ledger.bench;

import java.util.Arrays;
import java.util.Set;

import io.ledger.bench.bare.BareServerCommand;
import io.ledger.bench.load.LoadCommand;
import io.ledger.bench.report.PgbenchResultCommand;
import io.ledger.bench.report.RedisResultCommand;
import io.ledger.bench.report.ReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark jar's tools other than JMH: {@code load} (the HTTP load tool), {@code bare-server} (the transport
 * floor the ledger is compared with, {@link BareServerCommand}), {@code pgbench-result} and
 * {@code redis-result} (convert the baselines' output to result files) and {@code report} (BENCHMARKS.md and its
 * plot). {@link BenchmarkMain} hands over to this when its first argument names one of them:
 * {@code java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port 9000 ...}.
 */
@Command(
    name = "benchmarks.jar",
    mixinStandardHelpOptions = true,
    description = "Benchmark tools. Without one of these subcommands the jar runs JMH (BenchmarkMain).",
    subcommands = {LoadCommand.class, BareServerCommand.class, PgbenchResultCommand.class, RedisResultCommand.class, ReportCommand.class})
public final class BenchTool
{
    /** First arguments that select a tool instead of JMH. */
    public static final Set<String> COMMANDS = Set.of("load", "bare-server", "pgbench-result", "redis-result", "report", "tools");

    private BenchTool()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /** @return the exit code: 0 ok, 1 a check failed, 2 bad usage. */
    public static int execute(final String... args)
    {
        final String[] rest = args.length > 0 && args[0].equals("tools") ? Arrays.copyOfRange(args, 1, args.length) : args;
        final CommandLine commandLine = new CommandLine(new BenchTool());
        commandLine.setExecutionStrategy(parseResult ->
        {
            for (final CommandLine sub : parseResult.asCommandLineList())
            {
                if (sub.getCommand() instanceof LoadCommand load)
                {
                    load.commandLine("benchmarks.jar " + String.join(" ", redactToken(rest)));
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine.execute(rest);
    }

    /** The command line as recorded in result files: a token is a credential, so it is not written down. */
    static String[] redactToken(final String[] args)
    {
        final String[] copy = args.clone();
        for (int i = 0; i < copy.length; i++)
        {
            if (copy[i].equals("--token") && i + 1 < copy.length)
            {
                copy[i + 1] = "<token>";
            }
            else if (copy[i].startsWith("--token="))
            {
                copy[i] = "--token=<token>";
            }
        }
        return copy;
    }
}
