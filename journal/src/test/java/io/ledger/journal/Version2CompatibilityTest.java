package io.ledger.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandCodec;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.journal.internal.RecordFrame;
import io.ledger.journal.snapshot.SnapshotHeader;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal and a snapshot written by the build before record version 3 (commit 4af94da, through its real server:
 * every journaled command type, refusals, idempotency keys with a retry and a reuse, a final snapshot at command 24 and
 * three commands after it) still give exactly the state they gave then. The expected hashes are what that build's
 * {@code ledger verify} printed for the same data directory.
 *
 * <p>Resources in {@code io/ledger/journal/v2/}: {@code frames.hex}, the 27 record frames of its journal in order (one
 * hex line each, as Chronicle held them), and {@code snapshot-0000000000000000024.snap}, its last snapshot file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Version2CompatibilityTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    /** The state hash after all 27 commands: the old build's full replay and snapshot + tail. */
    private static final long HASH_AT_27 = 0xb006b950e84ccc35L;
    /** The state hash after command 24, as the old snapshot's header holds it. */
    private static final long HASH_AT_24 = 0x0de9260aa5856de0L;

    @Test
    void shouldReplayAVersion2JournalToTheHashTheOldBuildReached() throws IOException
    {
        final Ledger ledger = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        for (final byte[] frame : frames())
        {
            decode(frame, event);
            ledger.apply(event);
            if (event.commandId() == 24)
            {
                assertEquals(HASH_AT_24, ledger.stateHash(), "at the old snapshot's command");
            }
        }
        assertEquals(27, ledger.lastCommandId());
        assertEquals(HASH_AT_27, ledger.stateHash());
        ledger.checkConservation();
    }

    @Test
    void shouldLoadTheOldSnapshotAndReachTheSameHashAfterTheTail() throws IOException
    {
        final byte[] file = resource("snapshot-0000000000000000024.snap");
        assertEquals(HASH_AT_24, java.nio.ByteBuffer.wrap(file).getLong(32), "the header's stateHash");
        final byte[] payload = Arrays.copyOfRange(file, SnapshotHeader.HEADER_BYTES, file.length);
        final Ledger restored = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(payload)), ZAR);
        assertEquals(HASH_AT_24, restored.stateHash());

        final CommandEvent event = new CommandEvent();
        for (final byte[] frame : frames())
        {
            decode(frame, event);
            if (event.commandId() > 24)
            {
                restored.apply(event);
            }
        }
        assertEquals(HASH_AT_27, restored.stateHash());
    }

    @Test
    void shouldWriteTheSnapshotBytesTheOldBuildWroteForTheSameState() throws IOException
    {
        final Ledger ledger = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        for (final byte[] frame : frames())
        {
            decode(frame, event);
            if (event.commandId() <= 24)
            {
                ledger.apply(event);
            }
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            LedgerSnapshot.write(ledger, out);
        }
        final byte[] file = resource("snapshot-0000000000000000024.snap");
        assertArrayEquals(Arrays.copyOfRange(file, SnapshotHeader.HEADER_BYTES, file.length), bytes.toByteArray(),
            "the ledger the old server held at command 24 was built by the same commands in the same order");
    }

    @Test
    void shouldCarryEveryVersion2RecordUnchangedThroughVersion3() throws IOException
    {
        final CommandEvent v2 = new CommandEvent();
        final CommandEvent v3 = new CommandEvent();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final List<CommandType> types = new ArrayList<>();
        for (final byte[] frame : frames())
        {
            decode(frame, v2);
            types.add(v2.type());
            final int length = CommandCodec.encode(v2, buffer, 0);
            assertEquals(CommandCodec.encodedLength(v2), length);
            assertTrue(CommandCodec.decode(buffer, 0, length, v3), v2.type() + " " + v2.commandId());
            assertEquals(v2.type(), v3.type());
            assertEquals(v2.commandId(), v3.commandId());
            assertEquals(v2.timestampMs(), v3.timestampMs());
            assertEquals(v2.presentBits(), v3.presentBits(), v2.type() + " " + v2.commandId());
            for (final Field field : Field.values())
            {
                if (field.kind().text())
                {
                    assertEquals(v2.textString(field), v3.textString(field), field.toString());
                }
                else
                {
                    assertEquals(v2.get(field), v3.get(field), field.toString());
                }
            }
        }
        for (final CommandType type : CommandType.values())
        {
            if (type.journaled() && type.code() < CommandType.INITIALIZE_DEPLOYMENT.code()) // the types version 2 had
            {
                assertTrue(types.contains(type), "the fixture holds a " + type);
            }
        }
    }

    @Test
    void shouldReplayVersion2RecordsThroughTheJournalAndAppendVersion3AfterThem(@TempDir final Path dir)
    {
        for (final byte[] frame : frames())
        {
            JournalFixtures.appendRaw(dir, frame);
        }
        final Ledger ledger = new Ledger(ZAR);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(27, journal.replay(ledger::apply).records());
            assertEquals(HASH_AT_27, ledger.stateHash());
            final CommandEvent event = JournalFixtures.payIn(new CommandEvent(), 28, 1_765_000_000_000L, "m1", 1, 5, ZAR, "v3");
            journal.append(event);
            ledger.apply(event);
        }
        final Ledger again = new Ledger(ZAR);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(28, journal.replay(again::apply).records(), "27 records of version 2, then one of version 3");
        }
        assertEquals(ledger.stateHash(), again.stateHash());
    }

    private static void decode(final byte[] frame, final CommandEvent event)
    {
        final RecordFrame reader = new RecordFrame();
        System.arraycopy(frame, 0, reader.array(), 0, frame.length);
        assertEquals(RecordFrame.OK, reader.verify(frame.length), reader.describe(reader.verify(frame.length)));
        assertEquals(RecordFrame.FORMAT_VERSION_2, reader.formatVersion());
        assertTrue(reader.decodeCommand(event), "frame decodes");
    }

    private static List<byte[]> frames()
    {
        final List<byte[]> frames = new ArrayList<>();
        for (final String line : new String(resource("frames.hex"), StandardCharsets.US_ASCII).split("\n"))
        {
            if (!line.isBlank())
            {
                frames.add(HexFormat.of().parseHex(line.trim()));
            }
        }
        assertEquals(27, frames.size());
        return frames;
    }

    private static byte[] resource(final String name)
    {
        try (InputStream in = Version2CompatibilityTest.class.getResourceAsStream("/io/ledger/journal/v2/" + name))
        {
            return in.readAllBytes();
        }
        catch (final IOException | NullPointerException ex)
        {
            throw new AssertionError("resource " + name, ex);
        }
    }
}
