package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.ledger.http.auth.Tokens;
import io.ledger.journal.internal.RecordFrame;
import io.ledger.journal.snapshot.SnapshotHeader;
import io.ledger.journal.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Upgrading and rolling back, as docs/operations.md describes them. Up: the data directory the previous release
 * wrote (the committed fixture of 4af94da: journal records of version 2, a snapshot) opens in this build, takes new
 * commands (records of version 3 after the old ones), restarts from its own snapshot and passes {@code ledger verify}.
 * Down: a data directory a newer build has written to (a journal record or a snapshot in a format version above this
 * build's) is refused with a message that says so, by {@code serve} (exit 1) and {@code verify}, and left exactly as
 * it was: not skipped as torn, not sealed, not cut. (On 4af94da a newer record was "journal record corrupt: bad
 * version" with advice to cut the journal there, and a newer snapshot was skipped.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpgradeAndRollbackTest
{
    private static final JournalFixture FIXTURE = new JournalFixture("4af94da");
    private static final String SECRET = "upgrade-test-secret-at-least-32-bytes-long";
    private static final String FIRST_CUSTOMER = "cus_fmj57psq8x"; // mer_alpha's, ZAR 4900 in the fixture

    @TempDir
    Path temp;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldOpenThePreviousReleasesDataDirectoryTakeNewCommandsAndRestartFromItsOwnSnapshot() throws Exception
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));
        final String token = Tokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), "mer_alpha", System.currentTimeMillis(), 3_600_000);
        try (LedgerServer server = start(dataDir))
        {
            assertEquals(4900, balance(server, token), "the previous release's state, read by this one");
            final HttpResponse<String> payIn = send(server, token, "POST", "/api/canary/customers/" + FIRST_CUSTOMER + "/pay-ins",
                "{\"amount\":100,\"currency\":\"ZAR\"}");
            assertEquals(201, payIn.statusCode(), payIn.body());
        }
        try (LedgerServer server = start(dataDir))
        {
            assertEquals(5000, balance(server, token), "old records and new ones replay together, or from the new snapshot");
        }
        final StringWriter out = new StringWriter();
        assertEquals(0, cli(out, "verify", "--data-dir", dataDir.toString()), out::toString);
        assertTrue(out.toString().contains("journal OK: 47 records"), out::toString); // 46 of 4af94da, the pay-in of this build
    }

    @Test
    void shouldRefuseAJournalRecordWrittenByANewerBuildAndLeaveTheJournalAsItWas() throws Exception
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));
        appendRecordOfVersion(dataDir.resolve("journal"), RecordFrame.FORMAT_VERSION + 1);
        final List<String> before = records(dataDir.resolve("journal"));

        final StringWriter err = new StringWriter();
        assertEquals(1, cli(new StringWriter(), err, "serve", "--port", "0", "--data-dir", dataDir.toString(),
            "--jwt-secret", "text:" + SECRET), err::toString);
        assertTrue(err.toString().contains("was written by a newer build: journal record index=0x"), err::toString);
        assertTrue(err.toString().contains("formatVersion=" + (RecordFrame.FORMAT_VERSION + 1) + "; this build reads 2 and 3"),
            err::toString);
        assertTrue(err.toString().contains("do not 'ledger repair' it"), err::toString);
        assertFalse(err.toString().contains("--truncate-at"), "no advice to cut the newer build's commands: " + err);
        assertEquals(before, records(dataDir.resolve("journal")), "not sealed as torn, not cut: the journal holds what it held");

        final StringWriter verify = new StringWriter();
        assertEquals(1, cli(verify, "verify", "--data-dir", dataDir.toString()), verify::toString);
        assertTrue(verify.toString().startsWith("NEWER FORMAT: "), verify::toString);
    }

    @Test
    void shouldRefuseASnapshotWrittenByANewerBuildRatherThanSkipItAndPruneIt() throws Exception
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));
        final Path snapshot;
        try (Stream<Path> files = Files.list(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)))
        {
            snapshot = files.filter(file -> file.toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        final byte[] original = Files.readAllBytes(snapshot);

        Files.write(snapshot, withPayloadVersion(original, 3));
        final StringWriter payloadErr = new StringWriter();
        assertEquals(1, cli(new StringWriter(), payloadErr, "serve", "--port", "0", "--data-dir", dataDir.toString(),
            "--jwt-secret", "text:" + SECRET), payloadErr::toString);
        assertTrue(payloadErr.toString().contains("was written by a newer build: snapshot payload formatVersion=3 is not 2"),
            payloadErr::toString);
        assertArrayEquals(withPayloadVersion(original, 3), Files.readAllBytes(snapshot), "kept as it was");

        Files.write(snapshot, withHeaderVersion(original, SnapshotHeader.FORMAT_VERSION + 1));
        final StringWriter headerErr = new StringWriter();
        assertEquals(1, cli(new StringWriter(), headerErr, "serve", "--port", "0", "--data-dir", dataDir.toString(),
            "--jwt-secret", "text:" + SECRET), headerErr::toString);
        assertTrue(headerErr.toString().contains("was written by a newer build: snapshot header formatVersion=2; this build reads 1"),
            headerErr::toString);
        final StringWriter verify = new StringWriter();
        assertEquals(1, cli(verify, "verify", "--data-dir", dataDir.toString()), verify::toString);
        assertTrue(verify.toString().startsWith("NEWER FORMAT: "), verify::toString);

        Files.write(snapshot, original);
        try (LedgerServer server = start(dataDir))
        {
            assertTrue(server.port() > 0, "with the snapshot as the previous release wrote it, it starts");
        }
    }

    private LedgerServer start(final Path dataDir)
    {
        return LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET.getBytes(StandardCharsets.UTF_8), "process", 1024,
            LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"));
    }

    private long balance(final LedgerServer server, final String token) throws Exception
    {
        final HttpResponse<String> balance = send(server, token, "GET", "/api/canary/customers/" + FIRST_CUSTOMER + "/balance", null);
        assertEquals(200, balance.statusCode(), balance.body());
        final java.util.regex.Matcher amount = java.util.regex.Pattern.compile("\"amount\":(\\d+)").matcher(balance.body());
        assertTrue(amount.find(), balance.body());
        return Long.parseLong(amount.group(1));
    }

    private HttpResponse<String> send(final LedgerServer server, final String token, final String method, final String path,
        final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        if (body != null)
        {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Appends, as a newer build would, a whole record (right length, right CRC32C) of format version {@code version}. */
    private static void appendRecordOfVersion(final Path journalDir, final int version)
    {
        final int bodyLength = 42;
        final ByteBuffer frame = ByteBuffer.allocate(RecordFrame.HEADER_BYTES + bodyLength + RecordFrame.CRC_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        frame.put((byte)version).put((byte)RecordFrame.TYPE_COMMAND).putShort((short)0).putInt(bodyLength);
        frame.position(RecordFrame.HEADER_BYTES + bodyLength);
        final CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, RecordFrame.HEADER_BYTES + bodyLength);
        frame.putInt((int)crc.getValue());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile()).rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_DAILY).build();
             var appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(frame.array(), 0, frame.capacity());
        }
    }

    /** @return the snapshot with its payload's format version set to {@code version}, both checksums made right again. */
    private static byte[] withPayloadVersion(final byte[] snapshot, final int version)
    {
        final byte[] changed = snapshot.clone();
        ByteBuffer.wrap(changed).putInt(SnapshotHeader.HEADER_BYTES, version);
        final CRC32C payload = new CRC32C();
        payload.update(changed, SnapshotHeader.HEADER_BYTES, changed.length - SnapshotHeader.HEADER_BYTES);
        ByteBuffer.wrap(changed).putInt(48, (int)payload.getValue());
        return resealHeader(changed);
    }

    /** @return the snapshot with its header's format version set to {@code version}, its checksum made right again. */
    private static byte[] withHeaderVersion(final byte[] snapshot, final int version)
    {
        final byte[] changed = snapshot.clone();
        ByteBuffer.wrap(changed).putInt(8, version);
        return resealHeader(changed);
    }

    private static byte[] resealHeader(final byte[] snapshot)
    {
        final CRC32C header = new CRC32C();
        header.update(snapshot, 0, SnapshotHeader.HEADER_BYTES - 4);
        ByteBuffer.wrap(snapshot).putInt(SnapshotHeader.HEADER_BYTES - 4, (int)header.getValue());
        return snapshot;
    }

    /** @return every record of the journal, index and bytes, as a read-only reader sees them. */
    private static List<String> records(final Path journalDir)
    {
        final List<String> records = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile())
            .rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_DAILY).readOnly(true).build())
        {
            final var tailer = queue.createTailer();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return records;
                    }
                    final var bytes = dc.wire().bytes();
                    final byte[] content = new byte[(int)bytes.readRemaining()];
                    bytes.read(content);
                    records.add(Long.toHexString(dc.index()) + ":" + HexFormat.of().formatHex(content));
                }
            }
        }
    }

    private static int cli(final StringWriter out, final String... args)
    {
        return cli(out, new StringWriter(), args);
    }

    private static int cli(final StringWriter out, final StringWriter err, final String... args)
    {
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exit = commandLine.execute(args);
        err.flush();
        return exit;
    }
}
