package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.http.auth.Tokens;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Operators upgrade in place: a data directory (journal and snapshot) written by the build of commit {@code 4af94da},
 * before issue 11 restructured the code, must open in this build with the same state hash and the same answers. The
 * fixture was made once by {@link JournalFixtureGenerator} at that commit and is never regenerated; this test must
 * keep passing unchanged in what it asserts for as long as that journal format is supported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalCompatibilityTest
{
    private static final JournalFixture FIXTURE = new JournalFixture("4af94da");
    private static final byte[] SECRET = "journal-compat-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    /** The first customer the fixture's journal created, merchant mer_alpha; its ZAR balance is 4900 at the end. */
    private static final String FIRST_CUSTOMER = "cus_fmj57psq8x";

    @TempDir
    Path temp;

    private final Properties expected = FIXTURE.expected();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    @AfterEach
    void noFatalPipelineError()
    {
        assertNull(fatal.get(), () -> "the pipeline reported a fatal error: " + fatal.get());
    }

    @Test
    void shouldRecoverFromTheSnapshotAndTheTailAfterItToTheRecordedStateHash()
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dataDir.resolve("journal")))
        {
            final LedgerRecovery.Result recovered = LedgerRecovery.recover(journal,
                SnapshotStore.openReadOnly(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)), dataDir, Currencies.pack("ZAR"), null);

            assertNotNull(recovered.snapshot(), "the fixture's snapshot must be usable");
            assertEquals(longValue("snapshot.lastCommandId"), recovered.snapshot().header().lastCommandId());
            assertEquals(hash("snapshot.stateHash"), recovered.snapshot().header().stateHash());
            assertEquals(longValue("journalRecords") - longValue("snapshot.lastCommandId"), recovered.replayedRecords(),
                "only the tail after the snapshot is replayed");
            assertRecordedState(recovered.ledger());
        }
    }

    @Test
    void shouldReplayTheWholeJournalToTheRecordedStateHash()
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dataDir.resolve("journal")))
        {
            final LedgerRecovery.Result recovered = LedgerRecovery.recover(journal, null, dataDir, Currencies.pack("ZAR"), null);

            assertNull(recovered.snapshot());
            assertEquals(longValue("journalRecords"), recovered.replayedRecords());
            assertRecordedState(recovered.ledger());
        }
    }

    @Test
    void shouldPassVerifyAndReplayToTheRecordedStateHashesWithTheOperatorTools()
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));
        final String stateHash = "state hash:        " + expected.getProperty("stateHash") + "\n";
        final String lastCommandId = "last command id:   " + expected.getProperty("lastCommandId") + "\n";

        final String verify = tool("verify", "--data-dir", dataDir.toString());
        assertTrue(verify.startsWith("exit 0"), verify);

        final String replay = tool("replay", "--data-dir", dataDir.toString());
        assertTrue(replay.startsWith("exit 0"), replay);
        assertTrue(replay.contains("commands replayed: " + expected.getProperty("journalRecords") + "\n"), replay);
        assertTrue(replay.contains(lastCommandId), replay);
        assertTrue(replay.contains(stateHash), replay);
        assertTrue(replay.contains("conservation:      OK"), replay);

        final String fromSnapshot = tool("replay", "--data-dir", dataDir.toString(), "--from-snapshot");
        assertTrue(fromSnapshot.startsWith("exit 0"), fromSnapshot);
        assertTrue(fromSnapshot.contains(lastCommandId), fromSnapshot);
        assertTrue(fromSnapshot.contains(stateHash), fromSnapshot);

        final String toSnapshot = tool("replay", "--data-dir", dataDir.toString(),
            "--to-command-id", expected.getProperty("snapshot.lastCommandId"));
        assertTrue(toSnapshot.startsWith("exit 0"), toSnapshot);
        assertTrue(toSnapshot.contains("state hash:        " + expected.getProperty("snapshot.stateHash") + "\n"), toSnapshot);
    }

    @Test
    void shouldServeTheRecordedAnswersFromTheSnapshotAndTailAndKeepJournalingAfterThem()
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));

        try (LedgerServer server = start(dataDir))
        {
            assertRecordedAnswers(server);
            final HttpResponse<String> payIn = send(server, HttpRequest.newBuilder(uri(server, "/api/canary/customers/" + FIRST_CUSTOMER
                    + "/pay-ins"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":100,\"currency\":\"ZAR\"}")), "mer_alpha");
            assertEquals(201, payIn.statusCode(), payIn::body);
            assertTrue(payIn.body().contains("\"balanceAfter\":5000,"), payIn::body);
        }
        try (LedgerServer server = start(dataDir))
        {
            final HttpResponse<String> balance = send(server,
                HttpRequest.newBuilder(uri(server, "/api/canary/customers/" + FIRST_CUSTOMER + "/balance")).GET(), "mer_alpha");
            assertEquals(200, balance.statusCode(), balance::body);
            assertTrue(balance.body().contains("\"amount\":5000,"), balance::body);
        }
    }

    @Test
    void shouldServeTheRecordedAnswersFromAFullReplayWithoutTheSnapshot() throws IOException
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));
        try (Stream<Path> files = Files.walk(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }

        try (LedgerServer server = start(dataDir))
        {
            assertRecordedAnswers(server);
        }
    }

    private void assertRecordedState(final Ledger ledger)
    {
        assertEquals(longValue("lastCommandId"), ledger.lastCommandId());
        assertEquals(expected.getProperty("stateHash"), String.format("%016x", ledger.stateHash()));
        assertEquals(longValue("customers"), ledger.customerCount());
        assertEquals(longValue("merchants"), ledger.merchantCount());
        ledger.checkConservation();
    }

    private void assertRecordedAnswers(final LedgerServer server)
    {
        final List<JournalFixture.Answer> answers = FIXTURE.answers();
        assertTrue(answers.size() >= 20, "answers.txt holds " + answers.size() + " reads");
        for (final JournalFixture.Answer answer : answers)
        {
            final HttpResponse<String> response = send(server, HttpRequest.newBuilder(uri(server, answer.path())).GET(), answer.merchant());
            assertEquals(answer.status(), response.statusCode(), () -> "GET " + answer.path() + ": " + response.body());
            assertEquals(answer.body(), response.body(), "GET " + answer.path() + " as " + answer.merchant());
        }
    }

    private LedgerServer start(final Path dataDir)
    {
        return LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"),
            (stage, commandId, error) -> fatal.compareAndSet(null, error));
    }

    private static URI uri(final LedgerServer server, final String path)
    {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> send(final LedgerServer server, final HttpRequest.Builder request, final String merchant)
    {
        try
        {
            return client.send(request.timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + Tokens.issue(SECRET, merchant, System.currentTimeMillis(), 3_600_000))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** @return "exit N", then the tool's stdout and stderr. */
    private static String tool(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exit = commandLine.execute(args);
        return "exit " + exit + "\n" + out + err;
    }

    private long longValue(final String key)
    {
        return Long.parseLong(expected.getProperty(key));
    }

    private long hash(final String key)
    {
        return Long.parseUnsignedLong(expected.getProperty(key), 16);
    }
}
