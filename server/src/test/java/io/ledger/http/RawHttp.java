package io.ledger.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes it is given (invalid UTF-8, raw spaces or
 * NULs in the request line, any method) and reads exactly one response, so a test can tell an answer from a reset
 * or a hang. Keeps the connection alive between exchanges and reconnects after {@code Connection: close}.
 */
final class RawHttp implements AutoCloseable
{
    /** How long a test waits for an answer that is due before calling the connection hung. */
    static final int ANSWER_TIMEOUT_MS = 10_000;

    /** One response: its status, lower-case headers and body. */
    record Response(int status, Map<String, String> headers, byte[] body)
    {
        String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText()
        {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean closes()
        {
            return "close".equalsIgnoreCase(header("connection"));
        }

        @Override
        public String toString()
        {
            return status + " " + headers + " " + bodyText();
        }
    }

    private final int port;
    private String previousRequest;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(final int port)
    {
        this.port = port;
    }

    /** @return the bytes of a request; adds {@code Content-Length} when there is a body, and a {@code Host}. */
    static byte[] request(final String method, final String target, final Map<String, String> headers, final byte[] body)
    {
        final StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (final Map.Entry<String, String> header : headers.entrySet())
        {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (body != null)
        {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        bytes.write(headBytes, 0, headBytes.length);
        if (body != null)
        {
            bytes.write(body, 0, body.length);
        }
        return bytes.toByteArray();
    }

    /**
     * Sends {@code request} and reads its response.
     *
     * @param head true when the request is a HEAD: its response has no body whatever its headers say.
     * @throws AssertionError when the connection is reset or closed before a whole response, or none arrives in
     *                        {@link #ANSWER_TIMEOUT_MS}.
     */
    Response exchange(final byte[] request, final boolean head)
    {
        try
        {
            final boolean reused = socket != null;
            if (!reused)
            {
                connect();
            }
            if (reused && closedByPeer())
            {
                final String previous = previousRequest;
                close();
                throw new AssertionError("the server closed a keep-alive connection after answering, without "
                    + "'Connection: close'; the request before was: " + previous);
            }
            previousRequest = printable(request);
            out.write(request);
            out.flush();
            final Response response = read(head);
            if (response.closes())
            {
                close();
            }
            return response;
        }
        catch (final SocketTimeoutException ex)
        {
            close();
            throw new AssertionError("no answer within " + ANSWER_TIMEOUT_MS + " ms (hung connection)", ex);
        }
        catch (final IOException ex)
        {
            close();
            throw new AssertionError("connection failed before a whole response: " + ex, ex);
        }
    }

    Response exchange(final String method, final String target, final Map<String, String> headers, final byte[] body)
    {
        return exchange(request(method, target, headers, body), "HEAD".equals(method));
    }

    /** @return true when the server has closed the connection since the last response (a read sees end of stream). */
    private boolean closedByPeer() throws IOException
    {
        if (in.available() > 0)
        {
            return false;
        }
        socket.setSoTimeout(1);
        try
        {
            return in.read() == -1; // any byte here would be an unasked-for response: also a failure below
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true; // reset
        }
        finally
        {
            socket.setSoTimeout(ANSWER_TIMEOUT_MS);
        }
    }

    static String printable(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : bytes)
        {
            final int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\')
            {
                sb.append((char)c);
            }
            else
            {
                sb.append(String.format("\\x%02X", c));
            }
        }
        return sb.length() > 600 ? sb.substring(0, 600) + "...(" + bytes.length + " bytes)" : sb.toString();
    }

    private void connect() throws IOException
    {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(ANSWER_TIMEOUT_MS);
        socket.connect(new InetSocketAddress("127.0.0.1", port), ANSWER_TIMEOUT_MS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Reads one response from {@code in}. */
    static Response readResponse(final InputStream in, final boolean head) throws IOException
    {
        final String statusLine = line(in);
        if (statusLine == null)
        {
            throw new IOException("connection closed before a status line");
        }
        final String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1."))
        {
            throw new IOException("not a status line: " + statusLine);
        }
        final int status = Integer.parseInt(parts[1]);
        final Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = line(in)) != null && !line.isEmpty())
        {
            final int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (line == null)
        {
            throw new IOException("connection closed inside the headers");
        }
        if (status / 100 == 1)
        {
            return readResponse(in, head); // 100 Continue: the real response follows
        }
        final String length = headers.get("content-length");
        final int bodyBytes = head || length == null ? 0 : Integer.parseInt(length);
        final byte[] body = in.readNBytes(bodyBytes);
        if (body.length != bodyBytes)
        {
            throw new IOException("connection closed inside the body: " + body.length + " of " + bodyBytes + " bytes");
        }
        return new Response(status, headers, body);
    }

    private Response read(final boolean head) throws IOException
    {
        return readResponse(in, head);
    }

    private static String line(final InputStream in) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1)
        {
            if (b == '\n')
            {
                final int end = sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r' ? sb.length() - 1 : sb.length();
                return sb.substring(0, end);
            }
            sb.append((char)b);
        }
        return sb.length() == 0 ? null : sb.toString();
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
                throw new UncheckedIOException(ex);
            }
            finally
            {
                socket = null;
            }
        }
    }
}
