package io.ledger.cluster;

import java.nio.ByteOrder;

import io.ledger.engine.CommandCodec;
import io.ledger.engine.CommandEvent;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The ingress message a node's gateway offers to the cluster: who asked, then the command in the journal's own record
 * format ({@link CommandCodec} version 3, the same bytes the node's Chronicle journal will hold). The command's id and
 * time in it are ignored: the service stamps them from the log (id from the replicated ledger, time from the log entry).
 *
 * <pre>
 *  Ingress message, little-endian
 *  +-------------------------------+
 *  | origin node id (i32)          |  0   the node whose HTTP adapter waits for the reply
 *  +-------------------------------+
 *  | correlation id (i64)          |  4   that node's request number, unique per node process
 *  |                               |
 *  +-------------------------------+
 *  | command body (CommandCodec)   | 12
 *  +-------------------------------+
 * </pre>
 *
 * <p>Stateless; any thread.
 */
public final class IngressMessage
{
    public static final int ORIGIN_OFFSET = 0;
    public static final int CORRELATION_OFFSET = 4;
    public static final int HEAD_BYTES = 12;
    /** Largest message: the head and the largest command body. */
    public static final int BYTES_MAX = HEAD_BYTES + CommandCodec.BODY_BYTES_MAX;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private IngressMessage()
    {
    }

    /** @return the bytes written at {@code offset}: the head and the command's body. */
    public static int encode(final int originNode, final long correlationId, final CommandEvent command,
        final MutableDirectBuffer dst, final int offset)
    {
        dst.putInt(offset + ORIGIN_OFFSET, originNode, ORDER);
        dst.putLong(offset + CORRELATION_OFFSET, correlationId, ORDER);
        return HEAD_BYTES + CommandCodec.encode(command, dst, offset + HEAD_BYTES);
    }

    public static int originNode(final DirectBuffer src, final int offset)
    {
        return src.getInt(offset + ORIGIN_OFFSET, ORDER);
    }

    public static long correlationId(final DirectBuffer src, final int offset)
    {
        return src.getLong(offset + CORRELATION_OFFSET, ORDER);
    }

    /** @return true when the message holds a well-formed command, decoded into {@code event}. */
    public static boolean decode(final DirectBuffer src, final int offset, final int length, final CommandEvent event)
    {
        if (length < HEAD_BYTES)
        {
            event.clear();
            return false;
        }
        return CommandCodec.decode(src, offset + HEAD_BYTES, length - HEAD_BYTES, event);
    }
}
