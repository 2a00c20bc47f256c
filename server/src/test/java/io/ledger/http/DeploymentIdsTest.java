package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.journal.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ids are unique per deployment: the first start of an empty data directory journals a random id salt, so two data
 * directories issue different ids for the same commands; a restart keeps the salt, so ids keep their meaning.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeploymentIdsTest
{
    @Test
    void shouldIssueDifferentIdsInTwoDataDirectoriesAndKeepThemAcrossARestart(@TempDir final Path dir)
    {
        final String first;
        final String transaction;
        try (TestServer a = new TestServer(dir.resolve("a")))
        {
            first = a.createCustomer("m1", null);
            a.payIn("m1", first, 500);
            transaction = (String)((Map<?, ?>)((java.util.List<?>)TestJson.object(
                a.get("/api/canary/customers/" + first + "/transactions", "m1").body()).get("data")).get(0)).get("id");
        }
        try (TestServer b = new TestServer(dir.resolve("b")))
        {
            assertNotEquals(first, b.createCustomer("m1", null), "the same first command in another data directory");
        }
        assertNotEquals(first.substring(4), transaction.substring(4), "a customer and an entry do not share a body");
        try (TestServer again = new TestServer(dir.resolve("a")))
        {
            assertEquals(500, again.balance("m1", first), "the id still names the customer after a restart");
            final String second = again.createCustomer("m1", null);
            assertNotEquals(first, second);
            assertEquals(200, again.get("/api/canary/customers/" + second, "m1").statusCode());
        }
        final Ledger replayed = new Ledger(Currencies.pack("ZAR"));
        final CommandEvent[] firstCommand = new CommandEvent[1];
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir.resolve("a").resolve("journal")))
        {
            journal.replay(event ->
            {
                if (firstCommand[0] == null)
                {
                    firstCommand[0] = new CommandEvent();
                    firstCommand[0].copyFrom(event);
                }
                replayed.apply(event);
            });
        }
        assertEquals(CommandType.INITIALIZE_DEPLOYMENT, firstCommand[0].type(), "the salt is the journal's first command");
        assertTrue(replayed.deploymentSalt() != 0 && replayed.deploymentSalt() == firstCommand[0].get(Field.DEPLOYMENT_SALT));
        assertEquals(first, new io.ledger.engine.Ids(replayed.deploymentSalt()).format(io.ledger.engine.IdKind.CUSTOMER,
            replayed.customer(2).key()), "replay rebuilds the ids the server answered");
    }
}
