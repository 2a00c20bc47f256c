package io.ledger.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ledger's snapshot ({@link LedgerSnapshot}'s format, the one the single-node server writes to files) streamed
 * through Aeron Cluster's snapshot publication, and read back from its image.
 *
 * <pre>
 *  Messages, little-endian, each at most the publication's maxPayloadLength (so never fragmented)
 *  HEAD  | type=1 (u8) | stateHash (i64) | lastCommandId (i64) | commandsApplied (i64) |
 *  CHUNK | type=2 (u8) | up to maxPayloadLength - 1 bytes of the LedgerSnapshot payload, in order |
 *  END   | type=3 (u8) | payload bytes (i64) | CRC32C of the payload (i64) |
 * </pre>
 *
 * <p>Writing streams: the payload goes out chunk by chunk as {@link LedgerSnapshot#write} produces it, never whole in
 * memory. Reading gathers the payload (the ledger is rebuilt from it in one pass), then checks length, checksum and the
 * rebuilt ledger's state hash against the head.
 *
 * <p>Single-threaded: the service thread (in {@code onTakeSnapshot} and {@code onStart}).
 */
final class SnapshotStream
{
    static final byte HEAD = 1;
    static final byte CHUNK = 2;
    static final byte END = 3;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private SnapshotStream()
    {
    }

    /** Writes {@code ledger}'s snapshot to {@code publication}, idling on back pressure. */
    static void write(final Ledger ledger, final ExclusivePublication publication, final IdleStrategy idle)
    {
        final int chunkMax = publication.maxPayloadLength();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[chunkMax]);
        buffer.putByte(0, HEAD);
        buffer.putLong(1, ledger.stateHash(), ORDER);
        buffer.putLong(9, ledger.lastCommandId(), ORDER);
        buffer.putLong(17, ledger.commandsApplied(), ORDER);
        offer(publication, buffer, 25, idle);
        final CRC32C crc = new CRC32C();
        final long[] total = new long[1];
        final OutputStream chunks = new OutputStream()
        {
            private int length = 1;

            @Override
            public void write(final int b)
            {
                buffer.putByte(length++, (byte)b);
                if (length == chunkMax)
                {
                    flush();
                }
            }

            @Override
            public void write(final byte[] bytes, final int offset, final int count)
            {
                int done = 0;
                while (done < count)
                {
                    final int n = Math.min(count - done, chunkMax - length);
                    buffer.putBytes(length, bytes, offset + done, n);
                    length += n;
                    done += n;
                    if (length == chunkMax)
                    {
                        flush();
                    }
                }
            }

            @Override
            public void flush()
            {
                if (length > 1)
                {
                    buffer.putByte(0, CHUNK);
                    crc.update(buffer.byteArray(), 1, length - 1);
                    total[0] += length - 1;
                    offer(publication, buffer, length, idle);
                    length = 1;
                }
            }
        };
        try
        {
            final DataOutputStream out = new DataOutputStream(chunks);
            LedgerSnapshot.write(ledger, out);
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        buffer.putByte(0, END);
        buffer.putLong(1, total[0], ORDER);
        buffer.putLong(9, crc.getValue(), ORDER);
        offer(publication, buffer, 17, idle);
    }

    private static void offer(final ExclusivePublication publication, final UnsafeBuffer buffer, final int length,
        final IdleStrategy idle)
    {
        idle.reset();
        long result;
        while ((result = publication.offer(buffer, 0, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || result == Publication.NOT_CONNECTED)
            {
                throw new IllegalStateException("snapshot publication offer failed result=" + result);
            }
            idle.idle();
        }
    }

    /**
     * Reads a snapshot written by {@link #write} from {@code image} until its END.
     *
     * @throws IllegalStateException when it is incomplete, damaged or rebuilds another state than it names.
     */
    static Ledger read(final Image image, final IdleStrategy idle, final int defaultCurrency)
    {
        final ByteArrayOutputStream payload = new ByteArrayOutputStream(1 << 16);
        final long[] head = new long[3];
        final long[] end = {-1, -1};
        final boolean[] state = new boolean[2]; // head seen, end seen
        idle.reset();
        while (!state[1])
        {
            final int fragments = image.poll((buffer, offset, length, header) ->
            {
                final byte type = buffer.getByte(offset);
                if (type == HEAD)
                {
                    head[0] = buffer.getLong(offset + 1, ORDER);
                    head[1] = buffer.getLong(offset + 9, ORDER);
                    head[2] = buffer.getLong(offset + 17, ORDER);
                    state[0] = true;
                }
                else if (type == CHUNK)
                {
                    final byte[] bytes = new byte[length - 1];
                    buffer.getBytes(offset + 1, bytes);
                    payload.write(bytes, 0, bytes.length);
                }
                else if (type == END)
                {
                    end[0] = buffer.getLong(offset + 1, ORDER);
                    end[1] = buffer.getLong(offset + 9, ORDER);
                    state[1] = true;
                }
            }, 16);
            if (!state[1] && fragments == 0)
            {
                if (image.isClosed() || image.isEndOfStream())
                {
                    throw new IllegalStateException("cluster snapshot ended before its END message: head=" + state[0]
                        + " payloadBytes=" + payload.size());
                }
                idle.idle();
            }
        }
        final byte[] bytes = payload.toByteArray();
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        if (!state[0] || bytes.length != end[0] || crc.getValue() != end[1])
        {
            throw new IllegalStateException("cluster snapshot damaged: head=" + state[0] + " payloadBytes=" + bytes.length
                + " expected=" + end[0] + " crc=" + Long.toHexString(crc.getValue()) + " expected=" + Long.toHexString(end[1]));
        }
        final Ledger ledger;
        try
        {
            ledger = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(bytes)), defaultCurrency);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (ledger.stateHash() != head[0] || ledger.lastCommandId() != head[1])
        {
            throw new IllegalStateException("cluster snapshot rebuilds stateHash=" + Long.toHexString(ledger.stateHash())
                + " lastCommandId=" + ledger.lastCommandId() + ", its head says " + Long.toHexString(head[0]) + " and " + head[1]);
        }
        return ledger;
    }
}
