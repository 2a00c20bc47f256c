package io.ledger.journal.internal;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import io.ledger.engine.CommandCodec;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.internal.CommandCodecV2;
import org.agrona.checksum.Crc32c;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds and verifies one journal record frame in a reusable staging array; the journal copies the array into
 * a Chronicle document (writing) or out of one (reading). Nothing is allocated per record.
 *
 * <pre>
 *  Record frame, little-endian; one frame is the whole payload of one Chronicle document
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  | formatVersion |  recordType   |         reserved (0)          |  0
 *  |    (u8=3)     |     (u8)      |             (u16)             |
 *  +---------------+---------------+-------------------------------+
 *  |                       bodyLength (i32)                        |  4
 *  +---------------------------------------------------------------+
 *  |                  body (bodyLength bytes) ...                  |  8
 *  |   recordType 1 COMMAND:   the CommandCodec body of layout     |
 *  |                           formatVersion (3; 2 is still read)  |
 *  |   recordType 2 TORN_SKIP: skippedIndex (i64),                 |
 *  |                           lastCommandId (i64)                 |
 *  +---------------------------------------------------------------+
 *  |        crc32c (u32) over bytes [0, 8 + bodyLength)            |  8 + bodyLength
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A TORN_SKIP record says "the record at {@code skippedIndex}, found torn at the tail when the journal was
 * reopened, was never acknowledged and is skipped; the last valid command before it was {@code lastCommandId}".
 * See {@link io.ledger.journal.ChronicleJournal}.
 *
 * <p>Verification checks the CRC32C first, over whatever bytes the document holds, so that a torn write
 * (garbage or zeros anywhere in the frame) is told apart from a frame that was written whole but is not
 * understood (a version, type or length this code does not know). A frame is verified either in the staging array
 * ({@link #verify}) or where it lies in the journal's mapped memory ({@link #verifyAt}): replay reads each record
 * in place, without copying it.
 *
 * <p>Single-threaded: each instance belongs to one thread at a time.
 */
public final class RecordFrame
{
    /**
     * Version 3: the command body is the declaration-driven layout of {@link CommandCodec}. Version 2 (the 72-byte
     * fixed layout) is still read, record by record, so a journal written before the upgrade replays as it did; new
     * records are always version 3. Version 1 journals came only from pre-release builds and are refused with a clear
     * "bad version" message rather than misread.
     */
    public static final int FORMAT_VERSION = CommandCodec.VERSION;
    /** The older version still read. */
    public static final int FORMAT_VERSION_2 = CommandCodec.VERSION_2;
    public static final int TYPE_COMMAND = 1;
    public static final int TYPE_TORN_SKIP = 2;

    public static final int HEADER_BYTES = 8;
    public static final int CRC_BYTES = 4;
    public static final int BODY_BYTES_MAX = Math.max(CommandCodec.BODY_BYTES_MAX, CommandCodecV2.BODY_BYTES_MAX);
    public static final int FRAME_BYTES_MIN = HEADER_BYTES + CRC_BYTES;
    public static final int FRAME_BYTES_MAX = HEADER_BYTES + BODY_BYTES_MAX + CRC_BYTES;
    public static final int TORN_SKIP_BODY_BYTES = 16;

    /** {@link #verify} outcomes. The first two are what a torn write looks like; the rest are not. */
    public static final int OK = 0;
    public static final int BAD_FRAME_LENGTH = 1;
    public static final int CRC_MISMATCH = 2;
    public static final int BAD_VERSION = 3;
    public static final int BAD_RESERVED = 4;
    public static final int BAD_BODY_LENGTH = 5;
    public static final int BAD_RECORD_TYPE = 6;
    /**
     * Whole (its CRC32C matches) but of a format version above this build's: written by a newer build. The frame's
     * first byte (the version), its length at offset 4 and the CRC32C over {@code [0, 8 + bodyLength)} are the same in
     * every version, so that an older build can always tell a newer record from a torn one.
     */
    public static final int NEWER_VERSION = 7;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /**
     * The JDK's CRC32C over an address (through Agrona's {@link Crc32c}), or null where the JVM was started without
     * {@code --add-opens=java.base/java.util.zip=ALL-UNNAMED} (config/jvm.options): then frames are copied to be verified.
     */
    private static final Crc32c IN_PLACE_CRC = inPlaceCrc();

    private final byte[] bytes = new byte[FRAME_BYTES_MAX];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    /** The frame last verified: {@link #buffer}, or a view of mapped memory ({@link #verifyAt}). */
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private final CRC32C crc = new CRC32C();
    private int frameLength;
    private int storedCrc;
    private int computedCrc;

    /** @return the staging array: a frame occupies {@code [0, frameLength())}. */
    public byte[] array()
    {
        return bytes;
    }

    /** @return the length of the frame last encoded or verified. */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * Frames {@code event} as a COMMAND record.
     *
     * @return the frame length.
     * @throws IllegalStateException when the body would exceed {@link #BODY_BYTES_MAX}, or the codec wrote a
     *                               different length from the one it promised.
     */
    public int encodeCommand(final CommandEvent event)
    {
        final int bodyLength = CommandCodec.encodedLength(event);
        if (bodyLength < CommandCodec.BODY_BYTES_MIN || bodyLength > CommandCodec.BODY_BYTES_MAX)
        {
            throw new IllegalStateException("commandId=" + event.commandId() + " bodyLength=" + bodyLength +
                " outside [" + CommandCodec.BODY_BYTES_MIN + ", " + CommandCodec.BODY_BYTES_MAX + "]");
        }
        final int written = CommandCodec.encode(event, buffer, HEADER_BYTES);
        if (written != bodyLength)
        {
            throw new IllegalStateException("commandId=" + event.commandId() + " bodyLength=" + bodyLength +
                " but encoded=" + written);
        }
        return seal(TYPE_COMMAND, bodyLength);
    }

    /**
     * Frames a TORN_SKIP record.
     *
     * @return the frame length.
     */
    public int encodeTornSkip(final long skippedIndex, final long lastCommandId)
    {
        buffer.putLong(HEADER_BYTES, skippedIndex, ORDER);
        buffer.putLong(HEADER_BYTES + 8, lastCommandId, ORDER);
        return seal(TYPE_TORN_SKIP, TORN_SKIP_BODY_BYTES);
    }

    private int seal(final int recordType, final int bodyLength)
    {
        buffer.putByte(0, (byte)FORMAT_VERSION);
        buffer.putByte(1, (byte)recordType);
        buffer.putShort(2, (short)0, ORDER);
        buffer.putInt(4, bodyLength, ORDER);
        final int crcOffset = HEADER_BYTES + bodyLength;
        crc.reset();
        crc.update(bytes, 0, crcOffset);
        buffer.putInt(crcOffset, (int)crc.getValue(), ORDER);
        frameLength = crcOffset + CRC_BYTES;
        return frameLength;
    }

    /**
     * Verifies the {@code length} bytes at the start of {@link #array()}: a frame read from a document of that
     * length (pass the document's length even when it exceeds {@link #FRAME_BYTES_MAX}; nothing is read then).
     *
     * @return {@link #OK} or the first check that failed.
     */
    public int verify(final long length)
    {
        view.wrap(bytes);
        if (length < FRAME_BYTES_MIN || length > FRAME_BYTES_MAX)
        {
            frameLength = (int)Math.min(length, Integer.MAX_VALUE);
            return BAD_FRAME_LENGTH;
        }
        frameLength = (int)length;
        final int crcOffset = frameLength - CRC_BYTES;
        crc.reset();
        crc.update(bytes, 0, crcOffset);
        return check((int)crc.getValue());
    }

    /** @return true when {@link #verifyAt} may be used: the JVM lets the CRC32C intrinsic read an address. */
    public static boolean verifiesInPlace()
    {
        return IN_PLACE_CRC != null;
    }

    private static Crc32c inPlaceCrc()
    {
        try
        {
            return Crc32c.INSTANCE;
        }
        catch (final LinkageError ex)
        {
            return null;
        }
    }

    /**
     * Verifies the frame of {@code length} bytes at {@code address} (a document's payload in mapped memory, which must
     * stay mapped while this frame is read), as {@link #verify} does, without copying it; the getters and
     * {@link #decodeCommand} then read it there.
     *
     * @return {@link #OK} or the first check that failed.
     */
    public int verifyAt(final long address, final int length)
    {
        if (length < FRAME_BYTES_MIN || length > FRAME_BYTES_MAX)
        {
            view.wrap(bytes);
            frameLength = length;
            return BAD_FRAME_LENGTH;
        }
        view.wrap(address, length);
        frameLength = length;
        return check(IN_PLACE_CRC.compute(address, 0, length - CRC_BYTES));
    }

    private int check(final int computed)
    {
        final int crcOffset = frameLength - CRC_BYTES;
        storedCrc = view.getInt(crcOffset, ORDER);
        computedCrc = computed;
        if (storedCrc != computedCrc)
        {
            return CRC_MISMATCH;
        }
        if (formatVersion() > FORMAT_VERSION)
        {
            return NEWER_VERSION;
        }
        if (formatVersion() != FORMAT_VERSION && formatVersion() != FORMAT_VERSION_2)
        {
            return BAD_VERSION;
        }
        if (view.getShort(2, ORDER) != 0)
        {
            return BAD_RESERVED;
        }
        if (bodyLength() != frameLength - FRAME_BYTES_MIN)
        {
            return BAD_BODY_LENGTH;
        }
        switch (recordType())
        {
            case TYPE_COMMAND:
                return bodyLength() >= (formatVersion() == FORMAT_VERSION_2 ? CommandCodecV2.FIXED_BYTES : CommandCodec.BODY_BYTES_MIN)
                    ? OK : BAD_BODY_LENGTH;
            case TYPE_TORN_SKIP:
                return bodyLength() == TORN_SKIP_BODY_BYTES ? OK : BAD_BODY_LENGTH;
            default:
                return BAD_RECORD_TYPE;
        }
    }

    /** @return the CRC32C stored in the frame last verified, unsigned. */
    public long storedCrc32c()
    {
        return storedCrc & 0xFFFF_FFFFL;
    }

    /** @return true when a {@link #verify} outcome is what a partly persisted (torn) write looks like. */
    public static boolean looksTorn(final int status)
    {
        return status == BAD_FRAME_LENGTH || status == CRC_MISMATCH;
    }

    /** Decodes a verified COMMAND frame, of either version, into {@code event}; {@code false} when the body is malformed. */
    public boolean decodeCommand(final CommandEvent event)
    {
        return formatVersion() == FORMAT_VERSION_2
            ? CommandCodec.decodeVersion2(view, HEADER_BYTES, bodyLength(), event)
            : CommandCodec.decode(view, HEADER_BYTES, bodyLength(), event);
    }

    public int formatVersion()
    {
        return view.getByte(0) & 0xFF;
    }

    public int recordType()
    {
        return view.getByte(1) & 0xFF;
    }

    public int bodyLength()
    {
        return view.getInt(4, ORDER);
    }

    /** @return the index a verified TORN_SKIP frame names. */
    public long skippedIndex()
    {
        return view.getLong(HEADER_BYTES, ORDER);
    }

    /** @return the last commandId before the skipped record, as a verified TORN_SKIP frame states it. */
    public long skipLastCommandId()
    {
        return view.getLong(HEADER_BYTES + 8, ORDER);
    }

    /** @return a key=value description of a failed {@link #verify} outcome; allocates, for errors only. */
    public String describe(final int status)
    {
        return switch (status)
        {
            case OK -> "ok";
            case BAD_FRAME_LENGTH -> "bad length: frameBytes=" + frameLength + " outside [" + FRAME_BYTES_MIN + ", " +
                FRAME_BYTES_MAX + "]";
            case CRC_MISMATCH -> "crc32c mismatch: expected=0x" + hex(storedCrc) + " (stored) actual=0x" +
                hex(computedCrc) + " (computed)";
            case BAD_VERSION -> "bad version: formatVersion=" + formatVersion() + " expected=" + FORMAT_VERSION + " or " +
                FORMAT_VERSION_2;
            case BAD_RESERVED -> "bad header: reserved=" + (view.getShort(2, ORDER) & 0xFFFF) + " expected=0";
            case BAD_BODY_LENGTH -> "bad length: bodyLength=" + bodyLength() + " frameBytes=" + frameLength +
                " recordType=" + recordType();
            case BAD_RECORD_TYPE -> "bad record type: recordType=" + recordType();
            case NEWER_VERSION -> "formatVersion=" + formatVersion() + "; this build reads " + FORMAT_VERSION_2 + " and " + FORMAT_VERSION;
            default -> "status=" + status;
        };
    }

    private static String hex(final int value)
    {
        return String.format("%08x", value);
    }
}
