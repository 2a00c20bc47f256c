package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParserTest
{
    private final CommandDraft draft = new CommandDraft();
    private final Problem problem = new Problem();

    private static Map<String, List<String>> query(final String query)
    {
        return new QueryStringDecoder("/x?" + query).parameters();
    }

    @Test
    void shouldDefaultToFiftyFromTheStart()
    {
        draft.clear();
        QueryParser.page(query(""), draft, problem);
        assertFalse(problem.any());
        assertEquals(50, draft.get(Field.PAGE_LIMIT));
        assertEquals(0, draft.get(Field.PAGE_OFFSET));
    }

    @Test
    void shouldTakeAValidPage()
    {
        draft.clear();
        QueryParser.page(query("limit=100&offset=2147483647"), draft, problem);
        assertFalse(problem.any());
        assertEquals(100, draft.get(Field.PAGE_LIMIT));
        assertEquals(Integer.MAX_VALUE, draft.get(Field.PAGE_OFFSET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=101", "limit=-1", "limit=1.5", "limit=abc", "limit=", "limit=1e2",
        "offset=-1", "offset=1.0", "offset=2147483648", "offset=99999999999", "offset=%20"})
    void shouldRefuseABadPageWith400(final String query)
    {
        draft.clear();
        QueryParser.page(query(query), draft, problem);
        assertTrue(problem.any(), query);
        assertEquals(HttpResponseStatus.BAD_REQUEST, problem.status());
    }

    @Test
    void shouldReadDatesAsInclusiveRanges()
    {
        draft.clear();
        QueryParser.historyFilters(query("startDate=2025-01-15&endDate=2025-01-15"), draft, problem);
        assertFalse(problem.any());
        assertEquals(1_736_899_200_000L, draft.get(Field.FROM_MS));
        assertEquals(1_736_899_200_000L + 86_400_000L - 1, draft.get(Field.TO_MS));

        draft.clear();
        QueryParser.historyFilters(query("startDate=2025-01-15T10:30:00Z&endDate=2025-01-15T12:30:00%2B02:00"), draft, problem);
        assertFalse(problem.any());
        assertEquals(1_736_937_000_000L, draft.get(Field.FROM_MS));
        assertEquals(1_736_937_000_000L, draft.get(Field.TO_MS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"startDate=yesterday", "endDate=2025-13-01", "startDate=2025-01-02&endDate=2025-01-01",
        "transactionType=refund", "startDate="})
    void shouldRefuseBadHistoryFilters(final String query)
    {
        draft.clear();
        QueryParser.historyFilters(query(query), draft, problem);
        assertTrue(problem.any(), query);
    }

    @Test
    void shouldMapTransactionTypes()
    {
        for (final var pair : List.of(
            Map.entry("credit", CommandEvent.FILTER_CREDIT), Map.entry("debit", CommandEvent.FILTER_DEBIT),
            Map.entry("purchase", CommandEvent.FILTER_PURCHASE), Map.entry("payout", CommandEvent.FILTER_PAYOUT)))
        {
            draft.clear();
            QueryParser.historyFilters(query("transactionType=" + pair.getKey()), draft, problem);
            assertEquals((long)pair.getValue(), draft.get(Field.ROW_FILTER));
        }
    }

    @Test
    void shouldForbidAnotherMerchantsId()
    {
        QueryParser.merchant(query("merchantId=m2"), "m1", problem);
        assertEquals(HttpResponseStatus.FORBIDDEN, problem.status());
        problem.clear();
        QueryParser.merchant(query("merchantId=m1"), "m1", problem);
        assertFalse(problem.any());
    }
}
