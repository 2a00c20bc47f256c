package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ledger export --at} (issue 19): every balance as of a moment, from a journal with known times. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExportToolTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int USD = Currencies.pack("USD");
    private static final long T0 = 1_763_600_000_000L;
    private static final Ids IDS = new Ids(0);

    @TempDir
    Path dataDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * Command {@code n} at {@code T0 + n s}: customers 1 and 2 (mer_a), 3 (mer_b); 100.00 ZAR paid in to 1, 25.00 USD
     * to 3; 1 buys for 30.00; 2's purchase is refused; 5.00 ZAR paid in to 2.
     */
    @BeforeEach
    void writeJournal()
    {
        final CommandEvent e = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dataDir.resolve("journal"), Durability.PROCESS))
        {
            journal.append(customer(e, 1, "mer_a"));
            journal.append(customer(e, 2, "mer_a"));
            journal.append(customer(e, 3, "mer_b"));
            journal.append(money(e, CommandType.PAY_IN, 4, "mer_a", 1, 10_000, ZAR));
            journal.append(money(e, CommandType.PAY_IN, 5, "mer_b", 3, 2_500, USD));
            journal.append(money(e, CommandType.PURCHASE, 6, "mer_a", 1, 3_000, ZAR).text(Field.PRODUCT_ID, "coffee").set(Field.QUANTITY, 1));
            journal.append(money(e, CommandType.PURCHASE, 7, "mer_a", 2, 1_000, ZAR).text(Field.PRODUCT_ID, "refused").set(Field.QUANTITY, 1));
            journal.append(money(e, CommandType.PAY_IN, 8, "mer_a", 2, 500, ZAR));
        }
    }

    @Test
    void shouldExportEveryBalanceAsOfTheMomentAsCsv()
    {
        assertEquals(0, execute("export", "--data-dir", dataDir.toString(), "--at", at(6_000)), err.toString());
        assertEquals(List.of(
            "kind,merchantId,customerId,currency,amount,available,pending,updatedAt",
            "customer,mer_a," + customer(1) + ",ZAR,7000,7000,0," + at(6_000),
            "customer,mer_b," + customer(3) + ",USD,2500,2500,0," + at(5_000),
            "merchant,mer_a,,ZAR,3000,3000,0," + at(6_000),
            "customer,mer_a," + customer(2) + ",ZAR,0,0,0," + at(2_000)), lines());
        assertTrue(err.toString().contains("export: 4 balances as of " + at(6_000)), err.toString());
    }

    @Test
    void shouldExportOneMerchantBetweenCommandsAsJsonLines()
    {
        assertEquals(0, execute("export", "--data-dir", dataDir.toString(), "--at", at(4_500), "--merchant", "mer_a",
            "--format", "jsonl"), err.toString());
        assertEquals(List.of(
            "{\"kind\":\"customer\",\"merchantId\":\"mer_a\",\"customerId\":\"" + customer(1) + "\",\"currency\":\"ZAR\","
                + "\"amount\":10000,\"available\":10000,\"pending\":0,\"updatedAt\":\"" + at(4_000) + "\",\"at\":\"" + at(4_500) + "\"}",
            "{\"kind\":\"customer\",\"merchantId\":\"mer_a\",\"customerId\":\"" + customer(2) + "\",\"currency\":\"ZAR\","
                + "\"amount\":0,\"available\":0,\"pending\":0,\"updatedAt\":\"" + at(2_000) + "\",\"at\":\"" + at(4_500) + "\"}"),
            lines(), "mer_b's customer is not listed; the merchant had no movement yet");
    }

    @Test
    void shouldExportTheBalancesAfterTheLastCommandForALaterMomentOrADate()
    {
        assertEquals(0, execute("export", "--data-dir", dataDir.toString(), "--at", "2099-12-31", "--merchant", "mer_a"), err.toString());
        assertEquals(List.of(
            "kind,merchantId,customerId,currency,amount,available,pending,updatedAt",
            "customer,mer_a," + customer(1) + ",ZAR,7000,7000,0," + at(6_000),
            "merchant,mer_a,,ZAR,3000,3000,0," + at(6_000),
            "customer,mer_a," + customer(2) + ",ZAR,500,500,0," + at(8_000)), lines());
    }

    @Test
    void shouldRefuseAMomentBeforeTheFirstCustomerOrNotATime()
    {
        assertEquals(2, execute("export", "--data-dir", dataDir.toString(), "--at", at(999)));
        assertTrue(err.toString().contains("is before the ledger's history begins (its first customer was created at " + at(1_000) + ")"),
            err.toString());
        assertEquals("", out.toString());
        assertEquals(2, execute("export", "--data-dir", dataDir.toString(), "--at", "yesterday"));
        assertTrue(err.toString().contains("--at=yesterday must be an ISO-8601 date-time"), err.toString());
        assertEquals(2, execute("export", "--data-dir", dataDir.toString(), "--at", at(6_000), "--format", "xml"));
    }

    private List<String> lines()
    {
        return List.of(out.toString().split("\\R"));
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String at(final long offsetMs)
    {
        return Instant.ofEpochMilli(T0 + offsetMs).toString();
    }

    private static String customer(final long key)
    {
        return IDS.format(IdKind.CUSTOMER, key);
    }

    private static CommandEvent customer(final CommandEvent e, final long id, final String merchant)
    {
        e.clear();
        return e.stamp(id, T0 + id * 1000).type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, merchant)
            .text(Field.PHONE, "+2782000000" + id).text(Field.METADATA_JSON, "{}");
    }

    private static CommandEvent money(
        final CommandEvent e, final CommandType type, final long id, final String merchant, final long customerKey, final long amountMinor,
        final int currency)
    {
        e.clear();
        return e.stamp(id, T0 + id * 1000).type(type).text(Field.MERCHANT_ID, merchant)
            .set(Field.CUSTOMER_KEY, customerKey).set(Field.AMOUNT_MINOR, amountMinor).set(Field.CURRENCY, currency);
    }
}
