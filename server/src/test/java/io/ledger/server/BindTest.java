package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import io.ledger.http.HttpOptions;
import io.ledger.server.LedgerServer.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Where the server listens: the loopback interface by default ({@code --bind 127.0.0.1}), every interface when asked,
 * and a clear exit 1 when the port is taken, with the journal released so that the next start works. (On 4af94da the
 * server always bound 0.0.0.0, and the bind's {@code BindException} escaped both catch blocks: a stack trace instead of
 * "failed to start", the pipeline and journal left open.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BindTest
{
    private static final String SECRET = "bind-test-secret-at-least-32-bytes-long";

    @TempDir
    Path dataDir;

    @Test
    void shouldExitOneWithAClearMessageWhenThePortIsInUseAndLeaveTheDataDirectoryUsable() throws Exception
    {
        try (ServerSocket taken = new ServerSocket())
        {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final int port = taken.getLocalPort();
            final StringWriter err = new StringWriter();
            final CommandLine commandLine = LedgerMain.commandLine();
            commandLine.setOut(new PrintWriter(new StringWriter(), true));
            commandLine.setErr(new PrintWriter(err, true));

            final int exit = commandLine.execute("serve", "--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--jwt-secret", "text:" + SECRET);

            assertEquals(1, exit, err::toString);
            assertTrue(err.toString().startsWith("ledger serve: failed to start: "), err::toString);
            assertTrue(err.toString().contains("cannot listen on 127.0.0.1:" + port + ": Address already in use; another process is "
                + "listening on that port"), err::toString);
            assertFalse(err.toString().contains("\tat "), "one line, no stack trace: " + err);
        }
        // The failed start closed its journal (and its writer lock): the next start on the same directory works.
        try (LedgerServer server = LedgerServer.start(config(HttpOptions.DEFAULTS)))
        {
            assertTrue(server.port() > 0);
        }
    }

    @Test
    void shouldListenOnTheLoopbackInterfaceOnlyByDefault() throws Exception
    {
        final InetAddress external = nonLoopbackAddress();
        try (LedgerServer server = LedgerServer.start(config(HttpOptions.DEFAULTS)))
        {
            assertEquals("http://127.0.0.1:" + server.port(), server.url());
            assertTrue(answers(InetAddress.getLoopbackAddress(), server.port()));
            assumeTrue(external != null, "this machine has no non-loopback IPv4 address to try");
            assertThrows(ConnectException.class, () -> answers(external, server.port()),
                "not reachable on " + external.getHostAddress() + " with the default --bind");
        }
    }

    @Test
    void shouldListenOnEveryInterfaceWhenBoundToTheWildcardAddress() throws Exception
    {
        final InetAddress external = nonLoopbackAddress();
        try (LedgerServer server = LedgerServer.start(config(HttpOptions.DEFAULTS.withBindAddress("0.0.0.0"))))
        {
            assertEquals("http://0.0.0.0:" + server.port(), server.url());
            assertTrue(answers(InetAddress.getLoopbackAddress(), server.port()));
            assumeTrue(external != null, "this machine has no non-loopback IPv4 address to try");
            assertTrue(answers(external, server.port()), "reachable on " + external.getHostAddress());
        }
    }

    private Config config(final HttpOptions http)
    {
        return new Config(0, dataDir, SECRET.getBytes(StandardCharsets.UTF_8), "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR", http);
    }

    /** @return true when {@code GET /health/live} at that address answers 200. */
    private static boolean answers(final InetAddress address, final int port) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readNBytes(15), StandardCharsets.US_ASCII).equals("HTTP/1.1 200 OK");
        }
    }

    /** @return an IPv4 address of this machine that is not a loopback one, or null. */
    private static InetAddress nonLoopbackAddress() throws IOException
    {
        for (final NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces()))
        {
            if (!network.isUp() || network.isLoopback())
            {
                continue;
            }
            for (final InetAddress address : Collections.list(network.getInetAddresses()))
            {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                {
                    return address;
                }
            }
        }
        return null;
    }
}
