package io.ledger.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The real server as a child JVM ({@code LedgerMain serve} with the launcher's {@code config/jvm.options}), and a
 * deliberately small HTTP/1.1 client to drive it: for the black-box crash and shutdown tests.
 */
final class ChildServer
{
    static final int CONNECT_TIMEOUT_MS = 2_000;
    static final int READ_TIMEOUT_MS = 5_000;
    static final long START_TIMEOUT_MS = 60_000;

    /** The start-up line: journal records replayed (the tail, after a snapshot), then the state (with --startup-state-hash). */
    static final Pattern REPLAYED = Pattern.compile(
        "replayed (\\d+) commands in \\d+ ms: (\\d+) customers, (\\d+) merchants, last commandId (-?\\d+), state hash ([0-9a-f]+)");
    /** The start-up line when a snapshot was loaded: commands it holds, and its last command id. */
    static final Pattern LOADED_SNAPSHOT = Pattern.compile(
        "loaded snapshot (\\S+) in \\d+ ms: (\\d+) commands up to commandId (\\d+) \\(journal index 0x[0-9a-f]+\\), state hash ([0-9a-f]+)");
    static final JsonFactory JSON = new JsonFactory();

    final Process process;
    final Path log;

    private ChildServer(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code serve} on {@code port} with {@code dataDir} and the extra {@code options}; output goes to
     * {@code log}. Does not wait for it: see {@link #awaitHealthy}.
     *
     * @param secret the key as text ({@code --jwt-secret text:...}), or null for the data directory's key ring.
     */
    static ChildServer start(final int port, final Path dataDir, final String secret, final Path log, final List<String> options)
        throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + jvmOptions(),
            "-Xmx512m",
            "-ea",
            "-cp", System.getProperty("java.class.path"), // surefire puts the real class path here, even from a manifest jar
            LedgerMain.class.getName(),
            "serve",
            "--port", Integer.toString(port),
            "--data-dir", dataDir.toString(),
            "--startup-state-hash"));  // the crash tests compare the state hash the start-up logs
        if (secret != null)
        {
            command.addAll(List.of("--jwt-secret", "text:" + secret));
        }
        command.addAll(options);
        // Unset: the default (auto: the event loop, or the ledger thread with --durability fsync). The surefire execution
        // own sets it to own, which runs with every option.
        final String ledgerThread = System.getProperty("ledger.test.ledgerThread", "auto");
        if ("own".equals(ledgerThread))
        {
            command.addAll(List.of("--ledger-thread", ledgerThread));
        }
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LEDGER_"));
        return new ChildServer(builder.start(), log);
    }

    /**
     * Waits until {@code /health} answers 200.
     *
     * @return null when healthy, else why not (the process exited, or the time ran out).
     */
    String awaitHealthy(final int port) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        String last = "no attempt";
        while (System.nanoTime() < deadlineNs)
        {
            if (!process.isAlive())
            {
                return "the server exited with " + process.exitValue() + " before it was healthy";
            }
            try (HttpConnection http = new HttpConnection(port))
            {
                final Response health = http.request("GET", "/api/canary/health", null, null);
                if (health.status() == 200)
                {
                    return null;
                }
                last = health.toString();
            }
            catch (final IOException ex)
            {
                last = ex.toString();
            }
            Thread.sleep(50);
        }
        return "the server was not healthy within " + START_TIMEOUT_MS + " ms; last answer: " + last;
    }

    /** @return the log so far. */
    String output()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return the first match of {@code pattern} in the log, or null. */
    Matcher find(final Pattern pattern)
    {
        final Matcher matcher = pattern.matcher(output());
        return matcher.find() ? matcher : null;
    }

    /** The launcher's @argfile: surefire runs in the module directory, so look upwards from there. */
    static Path jvmOptions()
    {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("config").resolve("jvm.options");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("server")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("config/jvm.options not found above " + Path.of("").toAbsolutePath());
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    static String tail(final Path file, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return "(cannot read " + file + ": " + ex + ")";
        }
    }

    // ---- the client

    /** The request never reached the server (connect failed): certainly not applied. */
    static final class NotSentException extends IOException
    {
        private static final long serialVersionUID = 1L;

        NotSentException(final IOException cause)
        {
            super(cause);
        }
    }

    record Response(int status, String body, Map<String, String> headers)
    {
        Response(final int status, final String body)
        {
            this(status, body, Map.of());
        }

        /** @return a header's value (names in lower case), or null. */
        String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** @return a scalar field of the top-level object, as text. */
        String field(final String name)
        {
            final String value = optionalField(name);
            if (value == null)
            {
                throw new AssertionError("no field " + name + " in " + body);
            }
            return value;
        }

        /** @return the top-level scalar field {@code name} as text, or null when the object has none. */
        String optionalField(final String name)
        {
            try (JsonParser parser = JSON.createParser(body))
            {
                if (parser.nextToken() != JsonToken.START_OBJECT)
                {
                    throw new AssertionError("not a JSON object: " + body);
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String field = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    if (field.equals(name) && value.isScalarValue())
                    {
                        return parser.getText();
                    }
                    parser.skipChildren();
                }
            }
            catch (final IOException ex)
            {
                throw new AssertionError("not JSON: " + body, ex);
            }
            return null;
        }

        @Override
        public String toString()
        {
            return status + " " + body;
        }
    }

    /** Not thread-safe: one thread. A failed request closes the socket; the next one connects again. */
    static final class HttpConnection implements AutoCloseable
    {
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        HttpConnection(final int port)
        {
            this.port = port;
        }

        Response request(final String method, final String path, final String token, final String body) throws IOException
        {
            return request(method, path, token, body, null);
        }

        /** As {@link #request(String, String, String, String)}, with an {@code Idempotency-Key} when it is not null. */
        Response request(final String method, final String path, final String token, final String body, final String idempotencyKey)
            throws IOException
        {
            return request(method, path, token, body, idempotencyKey, Map.of());
        }

        /** As above, with more header fields (a dialect's API key headers, issue 15). */
        Response request(final String method, final String path, final String token, final String body, final String idempotencyKey,
            final Map<String, String> moreHeaders) throws IOException
        {
            if (socket == null)
            {
                final Socket connecting = new Socket();
                try
                {
                    connecting.setTcpNoDelay(true);
                    connecting.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
                    connecting.setSoTimeout(READ_TIMEOUT_MS);
                }
                catch (final IOException ex)
                {
                    connecting.close();
                    throw new NotSentException(ex);
                }
                socket = connecting;
                in = new BufferedInputStream(connecting.getInputStream());
                out = new BufferedOutputStream(connecting.getOutputStream());
            }
            try
            {
                final byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                final StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n");
                if (token != null)
                {
                    head.append("Authorization: Bearer ").append(token).append("\r\n");
                }
                if (body != null)
                {
                    head.append("Content-Type: application/json\r\n");
                }
                if (idempotencyKey != null)
                {
                    head.append("Idempotency-Key: ").append(idempotencyKey).append("\r\n");
                }
                moreHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
                head.append("Content-Length: ").append(content.length).append("\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(content);
                out.flush();
                return readResponse();
            }
            catch (final IOException | RuntimeException ex)
            {
                close();
                throw ex;
            }
        }

        private Response readResponse() throws IOException
        {
            final String statusLine = readLine();
            final String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1."))
            {
                throw new IOException("bad status line: " + statusLine);
            }
            final int status = Integer.parseInt(parts[1]);
            final Map<String, String> headers = new HashMap<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine())
            {
                final int colon = line.indexOf(':');
                if (colon > 0)
                {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            final String length = headers.get("content-length");
            if (length == null)
            {
                throw new IOException("no content-length in a " + status + " reply");
            }
            final byte[] content = in.readNBytes(Integer.parseInt(length));
            if (content.length != Integer.parseInt(length))
            {
                throw new EOFException("connection closed in a " + status + " reply body");
            }
            if ("close".equalsIgnoreCase(headers.get("connection")))
            {
                close();
            }
            return new Response(status, new String(content, StandardCharsets.UTF_8), Map.copyOf(headers));
        }

        private String readLine() throws IOException
        {
            final ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            while (true)
            {
                final int b = in.read();
                if (b < 0)
                {
                    throw new EOFException("connection closed before a complete reply");
                }
                if (b == '\n')
                {
                    final byte[] bytes = line.toByteArray();
                    final int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
                if (line.size() > 16 * 1024)
                {
                    throw new IOException("reply line longer than 16 KiB");
                }
            }
        }

        @Override
        public void close()
        {
            if (socket != null)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ex)
                {
                    // closing a broken socket: nothing to do
                }
                socket = null;
                in = null;
                out = null;
            }
        }
    }
}
