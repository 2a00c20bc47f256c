package io.ledger.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.auth.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ledger apikey create|list|revoke}: a merchant's API keys for the Masumi and Paywall dialects (issue 15), through
 * the running server's own HTTP API ({@code /api/canary/api-keys}) with a short-lived token for the merchant signed
 * with the server's keys. A key is made only by the running ledger (drawn at random, journaled as its hash), so this
 * never touches the data directory's journal: with no server listening it fails and says so.
 */
@Command(
    name = "apikey",
    mixinStandardHelpOptions = true,
    description = {
        "Create, list or revoke a merchant's API keys for the dialects (masumi, paywall) on the running server: it calls the "
            + "server's /api/canary/api-keys with a 5-minute token for --merchant, signed like 'ledger token' signs. Prints "
            + "the server's JSON answer; 'create' shows the key this once.",
        "Exit 0 on success, 1 when the server refused (its answer printed on stderr) or is not reachable, 2 bad usage."},
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand
{
    private static final long TOKEN_TTL_MS = TimeUnit.MINUTES.toMillis(5);

    /** Who and where: the merchant, the server's URL, its keys. */
    static final class Target
    {
        @Option(names = "--merchant", required = true, paramLabel = "ID", description = "The merchant whose keys these are.")
        String merchantId;

        @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:${env:LEDGER_PORT:-" + LedgerServer.Config.PORT_DEFAULT + "}",
            description = "The running server. Default: ${DEFAULT-VALUE}.")
        String url;

        @Mixin
        LedgerMain.SecretOptions secret = new LedgerMain.SecretOptions();

        /** Sends one request; prints the answer; @return the exit code. */
        int send(final CommandSpec spec, final String method, final String path, final String json)
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            if (!JwtAuthenticator.isValidMerchantId(merchantId))
            {
                err.println(spec.qualifiedName() + ": --merchant=" + merchantId + " must be 1..128 printable ASCII characters without spaces");
                err.flush();
                return ExitCode.USAGE;
            }
            final String token;
            try
            {
                token = Tokens.issue(secret.resolve().ring(), merchantId, System.currentTimeMillis(), TOKEN_TTL_MS);
            }
            catch (final RuntimeException ex)
            {
                err.println(spec.qualifiedName() + ": " + ex.getMessage());
                err.flush();
                return ExitCode.USAGE;
            }
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/api/canary" + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token);
            if (json != null)
            {
                request.header("Content-Type", "application/json");
            }
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            try
            {
                final HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
                final boolean ok = response.statusCode() / 100 == 2;
                (ok ? out : err).println(response.body());
                (ok ? out : err).flush();
                return ok ? ExitCode.OK : ExitCode.SOFTWARE;
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                err.println(spec.qualifiedName() + ": cannot reach the server at " + url + " (is 'ledger serve' running?): " + ex);
                err.flush();
                return ExitCode.SOFTWARE;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return ExitCode.SOFTWARE;
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; prints it (shown this once).")
    static final class Create implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Option(names = "--dialect", required = true, paramLabel = "NAME", description = "masumi or paywall.")
        String dialect;

        @Option(names = "--currency", required = true, paramLabel = "CODE", description = "ISO 4217 code of the key's amounts, e.g. ZAR.")
        String currency;

        @Option(names = "--customer", paramLabel = "ID", description = "The customer (cus_...) a masumi key buys from.")
        String customerId;

        @Option(names = "--name", paramLabel = "TEXT", description = "A label for the key.")
        String name;

        @Override
        public Integer call()
        {
            final StringBuilder json = new StringBuilder("{\"dialect\":").append(quote(dialect)).append(",\"currency\":").append(quote(currency));
            if (customerId != null)
            {
                json.append(",\"customerId\":").append(quote(customerId));
            }
            if (name != null)
            {
                json.append(",\"name\":").append(quote(name));
            }
            return target.send(spec, "POST", "/api-keys", json.append('}').toString());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the merchant's keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Override
        public Integer call()
        {
            return target.send(spec, "GET", "/api-keys?limit=100", null);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: refused from the next request on.")
    static final class Revoke implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (key_...).")
        String keyId;

        @Override
        public Integer call()
        {
            if (!keyId.matches("key_[0-9a-z]{10}"))
            {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": KEY_ID=" + keyId + " is not a key id (key_...)");
                spec.commandLine().getErr().flush();
                return ExitCode.USAGE;
            }
            return target.send(spec, "POST", "/api-keys/" + keyId + "/revoke", null);
        }
    }

    /** @return {@code text} as a JSON string. */
    static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
