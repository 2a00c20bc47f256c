package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.journal.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/canary/payment-methods/{id}/default}, the command added to show what adding one costs: it answers the
 * method as a read does, the previous default stops being one, bad requests change nothing, it is journaled with its
 * key, replays its outcome for a retried key, and a restart (from the journal alone, or from a snapshot) keeps it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DefaultPaymentMethodTest
{
    private static final String M = "m1";

    @Test
    void shouldMakeAMethodTheDefaultJournalItAndKeepItAcrossRestarts(@TempDir final Path dir) throws IOException
    {
        final String card;
        final String wallet;
        try (TestServer server = new TestServer(dir))
        {
            final String customer = server.createCustomer(M, null);
            card = save(server, customer, "{\"type\":\"card\",\"provider\":\"iveri\",\"last4\":\"4242\"}");
            wallet = save(server, customer, "{\"type\":\"mobile_money\",\"provider\":\"mpesa\",\"phoneNumber\":\"+27821234567\"}");
            assertTrue(isDefault(server, card));

            final HttpResponse<String> made = server.send(server.request(defaultPath(wallet), M)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, made.statusCode(), made.body());
            assertEquals(server.get("/api/canary/payment-methods/" + wallet, M).body(), made.body(), "answered as a read");
            assertTrue(isDefault(server, wallet));
            assertFalse(isDefault(server, card), "the previous default is no longer the default");

            assertEquals(200, server.post(defaultPath(card), M, "{}").statusCode(), "an empty object is a body too");
            assertTrue(isDefault(server, card));
            assertFalse(isDefault(server, wallet));

            final HttpRequest.Builder keyed = server.request(defaultPath(wallet), M).header("Idempotency-Key", "default-1");
            final HttpResponse<String> first = server.send(keyed.POST(HttpRequest.BodyPublishers.noBody()).build());
            final HttpResponse<String> retry = server.send(keyed.POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, retry.statusCode());
            assertEquals(first.body(), retry.body());
            assertEquals("true", retry.headers().firstValue(Responses.IDEMPOTENT_REPLAYED).orElse(""));
            assertTrue(isDefault(server, wallet));
        }
        assertEquals(List.of(wallet, card, wallet, wallet), journaledDefaults(dir),
            "each request journaled with its method's key, the retry too (answered from the stored outcome)");

        try (TestServer restarted = new TestServer(dir))
        {
            assertTrue(isDefault(restarted, wallet), "from the snapshot written at shutdown");
            assertFalse(isDefault(restarted, card));
        }
        deleteSnapshots(dir);
        try (TestServer replayed = new TestServer(dir))
        {
            assertTrue(isDefault(replayed, wallet), "from the journal alone");
            assertFalse(isDefault(replayed, card));
        }
    }

    @Test
    void shouldRefuseBadRequestsAndChangeNothing(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            final String customer = server.createCustomer(M, null);
            final String card = save(server, customer, "{\"type\":\"card\",\"provider\":\"iveri\",\"last4\":\"4242\"}");
            final String wallet = save(server, customer, "{\"type\":\"mobile_money\",\"provider\":\"mpesa\",\"phoneNumber\":\"+2782\"}");

            assertError(server.post(defaultPath(wallet), "m2", "{}"), 404, "Payment method not found");
            assertError(server.post(defaultPath("pm_0000000000"), M, "{}"), 404, "Payment method not found");
            assertError(server.post(defaultPath("not-an-id"), M, "{}"), 404, "Payment method not found");
            assertError(server.send(server.request(defaultPath(wallet), M).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "Content-Type must be application/json");
            assertError(server.post(defaultPath(wallet), M, "[]"), 400, "request body must be a JSON object");
            assertError(server.post(defaultPath(wallet), M, "{\"merchantId\":\"m2\"}"), 403, "merchantId must be the authenticated merchant");
            assertError(server.send(server.request(defaultPath(wallet), M).PUT(HttpRequest.BodyPublishers.noBody()).build()), 405, "Cannot PUT");

            assertTrue(isDefault(server, card), "nothing changed");
            assertFalse(isDefault(server, wallet));
        }
    }

    private static String defaultPath(final String method)
    {
        return "/api/canary/payment-methods/" + method + "/default";
    }

    private static String save(final TestServer server, final String customer, final String json)
    {
        final HttpResponse<String> response = server.post("/api/canary/customers/" + customer + "/payment-methods", M, json);
        assertEquals(201, response.statusCode(), response.body());
        return (String)TestJson.object(response.body()).get("id");
    }

    private static boolean isDefault(final TestServer server, final String method)
    {
        final HttpResponse<String> response = server.get("/api/canary/payment-methods/" + method, M);
        assertEquals(200, response.statusCode(), response.body());
        return (Boolean)TestJson.object(response.body()).get("isDefault");
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String message)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(message), response.body());
    }

    /** @return the public ids of the methods each journaled SET_DEFAULT_PAYMENT_METHOD names, in journal order. */
    private static List<String> journaledDefaults(final Path dir)
    {
        final List<String> methods = new ArrayList<>();
        final long[] salt = new long[1];
        final List<Long> keys = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir.resolve("journal")))
        {
            journal.replay(event ->
            {
                if (event.type() == CommandType.INITIALIZE_DEPLOYMENT)
                {
                    salt[0] = event.get(Field.DEPLOYMENT_SALT);
                }
                if (event.type() == CommandType.SET_DEFAULT_PAYMENT_METHOD)
                {
                    keys.add(event.get(Field.PAYMENT_METHOD_KEY));
                }
            });
        }
        for (final long key : keys)
        {
            methods.add(new Ids(salt[0]).format(IdKind.PAYMENT_METHOD, key));
        }
        return methods;
    }

    private static void deleteSnapshots(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir.resolve("snapshots")))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
