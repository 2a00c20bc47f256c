package io.ledger.journal.snapshot;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The fixed 64-byte header at the start of every snapshot file. Big-endian, like the payload after it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                 magic "LEDGSNAP" (8 bytes)                    |  0
 * +---------------------------------------------------------------+
 * |                     formatVersion (i32 = 1)                   |  8
 * |                     headerBytes (i32 = 64)                    | 12
 * +---------------------------------------------------------------+
 * |   journalIndex (i64): Chronicle index of the record holding   | 16
 * |   lastCommandId; the tail to replay starts after it           |
 * |   lastCommandId (i64): the last command the state includes    | 24
 * |   stateHash (i64): Ledger.stateHash() of that state           | 32
 * |   payloadBytes (i64): bytes after this header                 | 40
 * +---------------------------------------------------------------+
 * |   payloadCrc32c (u32) over the payload                        | 48
 * |   journalRecordCrc32c (u32): the CRC32C of the journal record | 52
 * |   at journalIndex, so another command there is told apart     |
 * +---------------------------------------------------------------+
 * |   createdAtMs (i64): wall clock when written (information)    | 56
 * +---------------------------------------------------------------+
 * |   reserved (u32 = 0)                                          | 64
 * |   headerCrc32c (u32) over bytes [0, 68)                       | 68
 * +---------------------------------------------------------------+
 * |   payload: LedgerSnapshot's sections ...                      | 72
 * </pre>
 *
 * Together the two checksums cover every byte of the file: the header's covers the payload's.
 *
 * @param journalIndex  the Chronicle index of the record holding {@code lastCommandId}.
 * @param lastCommandId the id of the last command whose effect the snapshot holds.
 * @param stateHash     the ledger's {@code stateHash()} when written, compared again after loading.
 * @param payloadBytes  the payload's length.
 * @param payloadCrc32c the payload's CRC32C, as an unsigned value.
 * @param journalRecordCrc32c the CRC32C of the journal record at {@code journalIndex}, unsigned.
 * @param createdAtMs   when the file was written, for operators only.
 */
public record SnapshotHeader(
    long journalIndex, long lastCommandId, long stateHash, long payloadBytes, long payloadCrc32c, long journalRecordCrc32c,
    long createdAtMs)
{
    public static final int HEADER_BYTES = 72;
    public static final int FORMAT_VERSION = 1;
    static final long MAGIC = 0x4C45_4447_534E_4150L; // "LEDGSNAP"

    /** @return the header's 64 bytes. */
    byte[] encode()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES);
        buffer.putLong(MAGIC).putInt(FORMAT_VERSION).putInt(HEADER_BYTES)
            .putLong(journalIndex).putLong(lastCommandId).putLong(stateHash).putLong(payloadBytes)
            .putInt((int)payloadCrc32c).putInt((int)journalRecordCrc32c).putLong(createdAtMs).putInt(0);
        buffer.putInt((int)crc(buffer.array(), HEADER_BYTES - 4));
        return buffer.array();
    }

    /**
     * @return the header in {@code bytes} (at least 64 of them).
     * @throws IllegalArgumentException naming what is wrong: magic, version, header length or checksum.
     */
    static SnapshotHeader decode(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, HEADER_BYTES);
        final long magic = buffer.getLong();
        if (magic != MAGIC)
        {
            throw new IllegalArgumentException("magic=0x" + Long.toHexString(magic) + " is not a snapshot's");
        }
        final int version = buffer.getInt();
        final int headerBytes = buffer.getInt();
        if (version > FORMAT_VERSION)
        {
            // Judged before the checksum, whose place a newer header may have moved: magic and version keep theirs.
            throw new NewerVersion("snapshot header formatVersion=" + version + "; this build reads " + FORMAT_VERSION);
        }
        final long storedCrc = buffer.getInt(HEADER_BYTES - 4) & 0xFFFF_FFFFL;
        final long crc = crc(bytes, HEADER_BYTES - 4);
        if (storedCrc != crc)
        {
            throw new IllegalArgumentException("header crc32c=" + Long.toHexString(storedCrc) + " does not match the header (" +
                Long.toHexString(crc) + ")");
        }
        if (version != FORMAT_VERSION || headerBytes != HEADER_BYTES)
        {
            throw new IllegalArgumentException("formatVersion=" + version + " headerBytes=" + headerBytes + " not understood (" +
                FORMAT_VERSION + ", " + HEADER_BYTES + " expected)");
        }
        return new SnapshotHeader(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(),
            buffer.getInt() & 0xFFFF_FFFFL, buffer.getInt() & 0xFFFF_FFFFL, buffer.getLong());
    }

    /** The header is of a format version above this build's: written by a newer build. */
    static final class NewerVersion extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        NewerVersion(final String message)
        {
            super(message);
        }
    }

    private static long crc(final byte[] bytes, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
