package io.ledger.journal.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes to the file's channel at its position and forces the file to the disk after every {@code sliceBytes}
 * (0: never), splitting a write that crosses a slice's end, so that the forces fall at the same offsets whatever
 * the writes' sizes: {@link SnapshotStore}'s write-back in slices (see there). Single-threaded.
 */
final class SlicedOutputStream extends OutputStream
{
    private final FileChannel channel;
    private final long sliceBytes;
    private long unforcedBytes;
    long forces;

    SlicedOutputStream(final FileChannel channel, final long sliceBytes)
    {
        this.channel = channel;
        this.sliceBytes = sliceBytes;
    }

    @Override
    public void write(final int b) throws IOException
    {
        write(new byte[] {(byte)b}, 0, 1);
    }

    @Override
    public void write(final byte[] bytes, final int offset, final int length) throws IOException
    {
        int done = 0;
        while (done < length)
        {
            final int n = sliceBytes == 0 ? length - done : (int)Math.min(length - done, sliceBytes - unforcedBytes);
            final ByteBuffer buffer = ByteBuffer.wrap(bytes, offset + done, n);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            done += n;
            unforcedBytes += n;
            if (sliceBytes != 0 && unforcedBytes == sliceBytes)
            {
                channel.force(false);
                forces++;
                unforcedBytes = 0;
            }
        }
    }
}
