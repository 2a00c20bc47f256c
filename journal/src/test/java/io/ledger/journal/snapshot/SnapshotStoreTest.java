package io.ledger.journal.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.journal.RandomCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshot files: atomic write, header, checksums, listing order, pruning and leftovers of a crash. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SnapshotStoreTest
{
    static final int ZAR = Currencies.pack("ZAR");

    @TempDir
    Path dir;

    static Ledger ledger(final long seed, final int commands)
    {
        final Ledger ledger = new Ledger(ZAR);
        final RandomCommands stream = new RandomCommands(seed);
        final CommandEvent event = new CommandEvent();
        for (int i = 0; i < commands; i++)
        {
            ledger.apply(stream.next(event));
            stream.applied(event);
        }
        return ledger;
    }

    /** A snapshot claiming {@code journalIndex}, with a journal record CRC of 0: for tests without a journal. */
    static Path write(final SnapshotStore store, final Ledger ledger, final long journalIndex) throws IOException
    {
        return write(store, ledger, journalIndex, 0);
    }

    /** A snapshot of {@code ledger}, pointing at the journal record of its last command, as the server writes one. */
    static Path write(final SnapshotStore store, final Ledger ledger, final io.ledger.journal.ChronicleJournal journal) throws IOException
    {
        final long index = journal.indexOfCommand(ledger.lastCommandId(), 1_000);
        return write(store, ledger, index, journal.commandAt(index).crc32c());
    }

    private static Path write(final SnapshotStore store, final Ledger ledger, final long journalIndex, final long recordCrc)
        throws IOException
    {
        final SnapshotStore.Pending pending = store.begin(ledger.lastCommandId());
        LedgerSnapshot.write(ledger, pending.output());
        pending.finishPayload();
        pending.commit(journalIndex, recordCrc, ledger.stateHash(), 1_700_000_000_000L);
        return pending.file();
    }

    /** XORs one byte of {@code file} at {@code position}. */
    static void flipByte(final Path file, final long position) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            channel.write(ByteBuffer.wrap(new byte[] {(byte)(one.get(0) ^ 0x5A)}), position);
        }
    }

    @Test
    void shouldWriteAtomicallyAndLoadTheSameStateWithTheHeaderItWasGiven() throws Exception
    {
        final SnapshotStore store = SnapshotStore.open(dir);
        final Ledger ledger = ledger(1, 5_000);
        final Path file = write(store, ledger, 0x4_0000_0007L);

        assertEquals(String.format("snapshot-%019d.snap", ledger.lastCommandId()), file.getFileName().toString());
        try (var files = Files.list(dir))
        {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
        final SnapshotHeader header = store.verifyChecksums(file);
        assertEquals(0x4_0000_0007L, header.journalIndex());
        assertEquals(ledger.lastCommandId(), header.lastCommandId());
        assertEquals(ledger.stateHash(), header.stateHash());
        assertEquals(Files.size(file), SnapshotHeader.HEADER_BYTES + header.payloadBytes());

        final SnapshotStore.Loaded loaded = store.load(file, ZAR);
        assertEquals(ledger.stateHash(), loaded.ledger().stateHash());
        assertEquals(header, loaded.header());
    }

    @Test
    void shouldListNewestFirstAndPruneToTheNewestK() throws Exception
    {
        final SnapshotStore store = SnapshotStore.open(dir);
        final Path a = write(store, ledger(2, 100), 1);
        final Path b = write(store, ledger(2, 200), 2);
        final Path c = write(store, ledger(2, 300), 3);
        assertEquals(List.of(c, b, a), store.list());

        assertEquals(List.of(a), store.prune(2));
        assertEquals(List.of(c, b), store.list());
        try (var files = java.nio.file.Files.list(dir))
        {
            assertEquals(List.of(b.getFileName(), c.getFileName()),
                files.map(Path::getFileName).sorted().toList(), "the pruned snapshot is gone whole, nothing left aside");
        }
    }

    /** An old snapshot is cut down a step at a time, then unlinked; a deletion a crash interrupted is finished by open. */
    @Test
    void shouldDeleteAnOldSnapshotInStepsAndFinishADeletionAStopInterrupted() throws Exception
    {
        final SnapshotStore store = SnapshotStore.open(dir);
        final Path a = write(store, ledger(3, 2_000), 1);
        final Path b = write(store, ledger(4, 2_500), 2);
        final long size = java.nio.file.Files.size(a);
        assertTrue(size > 3 * 1024, "a file of several steps: " + size);

        SteppedDeletion.delete(a, 1024);
        assertFalse(java.nio.file.Files.exists(a));
        assertFalse(java.nio.file.Files.exists(a.resolveSibling(a.getFileName() + ".deleting")));
        SteppedDeletion.delete(a, 1024); // already gone: nothing to do

        final Path interrupted = b.resolveSibling(b.getFileName() + ".deleting");
        java.nio.file.Files.move(b, interrupted);
        assertEquals(List.of(), store.list(), "a file being deleted is no snapshot");
        SnapshotStore.open(dir);
        assertFalse(java.nio.file.Files.exists(interrupted), "the next open deletes it");
    }

    @Test
    void shouldRefuseATruncatedFileAFlippedPayloadByteAndADamagedHeaderNamingTheFile() throws Exception
    {
        final SnapshotStore store = SnapshotStore.open(dir);
        final Ledger ledger = ledger(3, 2_000);

        final Path truncated = write(store, ledger, 1);
        try (FileChannel channel = FileChannel.open(truncated, StandardOpenOption.WRITE))
        {
            channel.truncate(Files.size(truncated) - 100);
        }
        final InvalidSnapshotException cut = assertThrows(InvalidSnapshotException.class, () -> store.load(truncated, ZAR));
        assertTrue(cut.getMessage().contains(truncated.toString()) && cut.getMessage().contains("truncated"), cut.getMessage());
        Files.delete(truncated);

        final Path payload = write(store, ledger, 1);
        flipByte(payload, Files.size(payload) / 2);
        final InvalidSnapshotException crc = assertThrows(InvalidSnapshotException.class, () -> store.verifyChecksums(payload));
        assertTrue(crc.getMessage().contains("payload crc32c"), crc.getMessage());
        assertThrows(InvalidSnapshotException.class, () -> store.load(payload, ZAR));
        Files.delete(payload);

        final Path header = write(store, ledger, 1);
        flipByte(header, 20); // inside journalIndex
        final InvalidSnapshotException head = assertThrows(InvalidSnapshotException.class, () -> store.readHeader(header));
        assertTrue(head.getMessage().contains("header crc32c"), head.getMessage());
    }

    @Test
    void shouldDeleteTheTemporaryFileOfAnAbortedOrCrashedWrite() throws Exception
    {
        final SnapshotStore store = SnapshotStore.open(dir);
        final SnapshotStore.Pending aborted = store.begin(5);
        aborted.output().writeLong(1);
        aborted.abort();
        final SnapshotStore.Pending crashed = store.begin(6);
        crashed.output().writeLong(1);
        crashed.finishPayload(); // the process dies here: never committed
        assertTrue(Files.exists(dir.resolve("snapshot-0000000000000000006.snap.tmp")));
        assertEquals(List.of(), store.list(), "a temporary file is never listed");

        SnapshotStore.open(dir);
        try (var files = Files.list(dir))
        {
            assertFalse(files.findAny().isPresent(), "open deletes what a crash left");
        }
    }

    @Test
    void shouldForceThePayloadOncePerSliceAndWriteTheSameBytesAsOneFsyncAtTheEnd() throws Exception
    {
        final Ledger ledger = ledger(4, 20_000);
        final SnapshotStore once = SnapshotStore.open(dir.resolve("once"), 0);
        final SnapshotStore sliced = SnapshotStore.open(dir.resolve("sliced"), 4096);

        final SnapshotStore.Written whole = once.write(ledger, 7, 0);
        final SnapshotStore.Written inSlices = sliced.write(ledger, 7, 0);

        assertEquals(0, whole.sliceForces(), "no slices: the commit's fsync only");
        assertTrue(inSlices.payloadBytes() > 10 * 4096, "payload of " + inSlices.payloadBytes() + " bytes spans many slices");
        assertEquals(inSlices.payloadBytes() / 4096, inSlices.sliceForces(), "one force per whole slice of the payload");
        final byte[] a = Files.readAllBytes(whole.file());
        final byte[] b = Files.readAllBytes(inSlices.file());
        // the headers differ only in createdAtMs (the wall clock): compare the payloads and the checked headers' fields
        assertEquals(whole.header().payloadCrc32c(), inSlices.header().payloadCrc32c());
        assertEquals(whole.header().payloadBytes(), inSlices.header().payloadBytes());
        assertEquals(whole.header().stateHash(), inSlices.header().stateHash());
        assertTrue(java.util.Arrays.equals(a, SnapshotHeader.HEADER_BYTES, a.length, b, SnapshotHeader.HEADER_BYTES, b.length),
            "the same payload bytes");
        assertEquals(ledger.stateHash(), sliced.load(inSlices.file(), ZAR).ledger().stateHash());
    }

    @Test
    void shouldSplitAWriteThatCrossesASlicesEndSoTheForcesFallEverySliceWhateverTheWriteSizes() throws Exception
    {
        final SnapshotStore store = SnapshotStore.open(dir, 1000);
        final SnapshotStore.Pending pending = store.begin(9);
        // larger than the 1 MiB write buffer, so it reaches the file as one write crossing 2,500 slice ends
        pending.output().write(new byte[2_500_500]);
        assertEquals(2_500, pending.sliceForces(), "one force per slice end crossed; 500 bytes of the next slice written");
        pending.output().write(new byte[499]);
        pending.output().writeByte(1);
        assertEquals(2_500, pending.sliceForces(), "the small writes wait in the buffer");
        pending.finishPayload();
        assertEquals(2_501, pending.sliceForces(), "2,501,000 bytes: 2,501 whole slices");
        pending.commit(1, 0, 0, 1_700_000_000_000L);
        assertEquals(2_501_000, store.readHeader(pending.file()).payloadBytes());
    }

    @Test
    void shouldRefuseANegativeSlice()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SnapshotStore.open(dir, -1));
        assertTrue(refused.getMessage().contains("syncSliceBytes=-1"), refused.getMessage());
    }
}
