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

/**
 * One raw connection for framing tests: writes exactly the bytes it is given, in as many writes as the test makes,
 * and reads responses one at a time, interim ({@code 100 Continue}) ones included when asked. It tells the ways a
 * connection can end apart: a clean close after the last response, more bytes than were due, a reset, or silence.
 */
final class Wire implements AutoCloseable
{
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Wire(final int port)
    {
        try
        {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(RawHttp.ANSWER_TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), RawHttp.ANSWER_TIMEOUT_MS);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Writes all {@code parts} in one write. */
    Wire send(final byte[]... parts)
    {
        try
        {
            out.write(concat(parts));
            out.flush();
            return this;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("the server closed the connection before the client finished writing: " + ex, ex);
        }
    }

    Wire send(final String ascii)
    {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** @return the next final response (interim ones skipped). */
    RawHttp.Response next()
    {
        return next(false);
    }

    /** @param head true when the response is to a HEAD request: it has no body whatever its headers say. */
    RawHttp.Response next(final boolean head)
    {
        try
        {
            return RawHttp.readResponse(in, head);
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no response within " + RawHttp.ANSWER_TIMEOUT_MS + " ms", ex);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("no whole response: " + ex, ex);
        }
    }

    /** @return the next response, an interim one included. */
    RawHttp.Response nextOrInterim()
    {
        try
        {
            return RawHttp.readResponseOrInterim(in, false);
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no response within " + RawHttp.ANSWER_TIMEOUT_MS + " ms", ex);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("no whole response: " + ex, ex);
        }
    }

    /**
     * Asserts that the server closed the connection cleanly (end of stream, not a reset) and sent nothing more.
     *
     * @throws AssertionError naming what came instead: bytes (the start of an unasked-for response), a reset or
     *                        silence.
     */
    void assertClosed()
    {
        try
        {
            final int b = in.read();
            if (b != -1)
            {
                final byte[] rest = new byte[4096];
                socket.setSoTimeout(500);
                int n = 0;
                try
                {
                    n = Math.max(0, in.read(rest));
                }
                catch (final IOException ignored)
                {
                    // what was read so far is enough to report
                }
                throw new AssertionError("expected the connection to be closed, but the server sent more: "
                    + RawHttp.printable(concat(new byte[] {(byte)b}, java.util.Arrays.copyOf(rest, n))));
            }
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("expected the connection to be closed, but it stayed open for "
                + RawHttp.ANSWER_TIMEOUT_MS + " ms", ex);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("expected a clean close, but the connection was reset: " + ex, ex);
        }
    }

    /** @return true when the server closed the connection or reset it, false when it stays open for {@code ms}. */
    boolean closesWithin(final int ms)
    {
        try
        {
            socket.setSoTimeout(ms);
            return in.read() == -1;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
        finally
        {
            try
            {
                socket.setSoTimeout(RawHttp.ANSWER_TIMEOUT_MS);
            }
            catch (final IOException ignored)
            {
                // closed
            }
        }
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            all.write(part, 0, part.length);
        }
        return all.toByteArray();
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
