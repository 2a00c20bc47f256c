package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.ledger.engine.EntryType;
import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.RefundRecord;
import io.ledger.http.endpoint.Rules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The served document agrees with the server: every set of values the server accepts or writes is the enum the
 * document gives for it, in both directions (a value the document lists that the server refuses, or one the server
 * accepts that the document leaves out, fails). The HTTP contract tests send each documented value to the real server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServedEnumsTest
{
    private static Map<?, ?> schemas;

    @BeforeAll
    static void load() throws IOException
    {
        try (InputStream in = ServedEnumsTest.class.getClassLoader().getResourceAsStream(OpenApiDocumentTest.RESOURCE))
        {
            assertNotNull(in);
            schemas = (Map<?, ?>)((Map<?, ?>)((Map<?, ?>)OpenApiDocumentTest.parse(in.readAllBytes())).get("components")).get("schemas");
        }
    }

    /** @return the node at {@code pointer} ({@code /a/b}) under components/schemas, or null. */
    private static Object at(final String pointer)
    {
        Object node = schemas;
        for (final String token : pointer.substring(1).split("/"))
        {
            node = node instanceof Map<?, ?> m ? m.get(token) : null;
        }
        return node;
    }

    private static Set<String> documented(final String pointer)
    {
        final Object values = at(pointer);
        assertEquals(true, values instanceof List<?>, pointer + " is an enum");
        final Set<String> set = new TreeSet<>();
        ((List<?>)values).forEach(value -> set.add(String.valueOf(value)));
        assertEquals(((List<?>)values).size(), set.size(), pointer + " lists each value once");
        return set;
    }

    @Test
    void shouldListEveryPaymentMethodTypeTheServerAccepts()
    {
        assertEquals(new TreeSet<>(Rules.METHOD_TYPES), documented("/CreatePaymentMethodDto/properties/type/enum"));
    }

    @Test
    void shouldListEveryTransactionTypeTheServerWrites()
    {
        final Set<String> written = Arrays.stream(EntryType.values()).map(EntryType::apiName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(written, documented("/TransactionType/enum"));
    }

    @Test
    void shouldListEveryBalanceHistoryFilterTheServerAccepts()
    {
        assertEquals(new TreeSet<>(Rules.TRANSACTION_TYPE_FILTERS.keySet()), documented("/BalanceHistoryTransactionTypeFilter/enum"));
    }

    @Test
    void shouldListEveryStatusOfPurchasesRefundsAndGiftBalances()
    {
        final Set<String> purchases = Arrays.stream(PurchaseStatus.values()).map(PurchaseStatus::apiName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(purchases, documented("/PurchaseStatus/enum"));
        assertEquals(new TreeSet<>(Rules.PURCHASE_STATUSES), purchases, "the purchases list's status filter accepts each");
        assertEquals("#/components/schemas/PurchaseStatus", at("/PurchaseDto/properties/status/$ref"));
        assertEquals(new TreeSet<>(GiftBalanceRecord.STATUSES), documented("/GiftBalanceStatus/enum"));
        assertEquals(Set.of(RefundRecord.STATUS_COMPLETED), documented("/RefundDto/properties/status/enum"));
    }

    @Test
    void shouldListEveryKindOfCashbackTheServerAccepts()
    {
        assertEquals(new TreeSet<>(Rules.CASHBACK_TYPES), documented("/CashbackDto/properties/type/enum"));
    }
}
