package io.ledger.engine;

import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** API keys (create, revoke, list, kept by replay and snapshots) and the Paywall purchase they authenticate (issue 15). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerApiKeyTest
{
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);
    private static final String HASH_M = "c".repeat(64);

    private final WalletLedger w = new WalletLedger();
    private final long ann = w.customer("m1");

    private CommandEvent createKey(final String merchant, final ApiDialect dialect, final String hash, final long customer)
    {
        return w.apply(CommandType.CREATE_API_KEY, merchant, e ->
        {
            e.set(Field.API_KEY_DIALECT, dialect.code()).text(Field.API_KEY_HASH, hash).text(Field.NAME, "till 1")
                .set(Field.CURRENCY, ZAR).set(Field.CURRENCY_DIGITS, 2);
            if (customer >= 0)
            {
                e.set(Field.CUSTOMER_KEY, customer);
            }
        });
    }

    private long paywallKey(final String hash)
    {
        final CommandEvent event = createKey("m1", ApiDialect.PAYWALL, hash, -1);
        assertEquals(ResultCode.OK, event.result());
        return event.resultKey();
    }

    private CommandEvent paywall(final String hash, final long key, final long customer, final long amount, final String reference)
    {
        return w.apply(CommandType.PAYWALL_PURCHASE, null, e ->
        {
            e.text(Field.API_KEY_HASH, hash).set(Field.API_KEY_KEY, key).set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_UNSCALED, amount)
                .set(Field.DECIMAL_SCALE, 2).text(Field.DESCRIPTION, "coffee");
            if (reference != null)
            {
                e.text(Field.EXTERNAL_REFERENCE, reference);
            }
        });
    }

    @Test
    void shouldStoreAKeyAsItsHashBoundToItsMerchantAndDialect()
    {
        final CommandEvent made = createKey("m1", ApiDialect.MASUMI, HASH_M, ann);
        assertEquals(ResultCode.OK, made.result());
        final ApiKeyRecord key = (ApiKeyRecord)made.resultObject();
        assertEquals("m1", key.merchantId());
        assertEquals(ApiDialect.MASUMI, key.dialect());
        assertEquals(ann, key.customerKey());
        assertEquals(HASH_M, key.sha256Hex());
        assertEquals("till 1", key.name());
        assertFalse(key.revoked());

        w.apply(CommandType.LIST_API_KEYS, "m1", e -> e.page(10, 0));
        assertEquals(1, w.event.rowTotal());
        w.apply(CommandType.LIST_API_KEYS, "m2", e -> e.page(10, 0));
        assertEquals(0, w.event.rowTotal(), "another merchant sees none of m1's keys");
    }

    @Test
    void shouldRefuseMalformedKeys()
    {
        assertEquals(ResultCode.INVALID_FIELD, createKey("m1", ApiDialect.PAYWALL, "A".repeat(64), -1).result(), "upper-case hex");
        w.assertLastChangedNothing("a malformed hash");
        assertEquals(ResultCode.INVALID_FIELD, createKey("m1", ApiDialect.PAYWALL, "a".repeat(63), -1).result());
        assertEquals(ResultCode.INVALID_FIELD, createKey("m1", ApiDialect.PAYWALL, HASH_A, ann).result(), "a Paywall key has no customer");
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, createKey("m1", ApiDialect.MASUMI, HASH_A, -1).result(), "a Masumi key needs one");
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, createKey("m2", ApiDialect.MASUMI, HASH_A, ann).result(), "another merchant's customer");
        w.assertLastChangedNothing("a key for another merchant's customer");
        paywallKey(HASH_A);
        assertEquals(ResultCode.INVALID_FIELD, createKey("m1", ApiDialect.PAYWALL, HASH_A, -1).result(), "the same hash twice");
    }

    @Test
    void shouldRevokeOnlyTheMerchantsOwnKeyOnce()
    {
        final long key = paywallKey(HASH_A);
        assertEquals(ResultCode.API_KEY_NOT_FOUND, w.apply(CommandType.REVOKE_API_KEY, "m2", e -> e.set(Field.API_KEY_KEY, key)).result());
        w.assertLastChangedNothing("another merchant's revoke");
        assertEquals(ResultCode.OK, w.apply(CommandType.REVOKE_API_KEY, "m1", e -> e.set(Field.API_KEY_KEY, key)).result());
        assertTrue(((ApiKeyRecord)w.event.resultObject()).revoked());
        assertEquals(ResultCode.API_KEY_REVOKED, w.apply(CommandType.REVOKE_API_KEY, "m1", e -> e.set(Field.API_KEY_KEY, key)).result());
    }

    @Test
    void shouldBuyThroughAPaywallKeyAsThePurchaseOfItsMerchant()
    {
        final long key = paywallKey(HASH_A);
        w.payIn("m1", ann, 10_000, ZAR);
        final CommandEvent bought = paywall(HASH_A, key, ann, 2_500, "order-1");
        assertEquals(ResultCode.OK, bought.result());
        final PurchaseRecord purchase = (PurchaseRecord)bought.resultObject();
        assertEquals("m1", purchase.merchantId());
        assertEquals(2_500, purchase.amountMinor());
        assertEquals(7_500, purchase.customerBalanceAfterMinor());
        assertEquals(2_500, w.merchantBalance("m1"));
        assertEquals(List.of("PURCHASE -2500", "PAY_IN 10000"), w.history("m1", ann));
        w.ledger.checkConservation();
    }

    @Test
    void shouldAnswerARepeatedExternalReferenceWithTheFirstPurchaseAndMoveNothing()
    {
        final long key = paywallKey(HASH_A);
        w.payIn("m1", ann, 10_000, ZAR);
        final long first = paywall(HASH_A, key, ann, 2_500, "order-1").resultKey();
        final long hashAfterFirst = w.ledger.stateHash();
        final CommandEvent again = paywall(HASH_A, key, ann, 9_999, "order-1");
        assertEquals(ResultCode.OK, again.result());
        assertTrue(again.replayed());
        assertEquals(2_500, ((PurchaseRecord)again.resultObject()).amountMinor(), "the first purchase, whatever the repeat says");
        assertEquals(7_500, w.ledger.customerBalance(ann, ZAR));
        assertEquals(2_500, w.merchantBalance("m1"));
        w.assertLastChangedNothing("a repeated external reference");
        assertTrue(first >= 0 && hashAfterFirst != 0);
    }

    @Test
    void shouldRefuseUnknownRevokedForeignAndMismatchedKeysChangingNothing()
    {
        final long key = paywallKey(HASH_A);
        createKey("m1", ApiDialect.MASUMI, HASH_M, ann);
        w.payIn("m1", ann, 10_000, ZAR);
        assertEquals(ResultCode.API_KEY_NOT_FOUND, paywall(HASH_B, key, ann, 100, "r1").result(), "unknown key");
        w.assertLastChangedNothing("an unknown key");
        assertEquals(ResultCode.API_KEY_NOT_FOUND, paywall(HASH_M, key, ann, 100, "r1").result(), "a Masumi key on Paywall");
        assertEquals(ResultCode.API_KEY_NOT_FOUND, paywall(HASH_A, key + 1, ann, 100, "r1").result(), "another key's client id");
        assertEquals(ResultCode.INVALID_FIELD, paywall(HASH_A, key, ann, 100, null).result(), "no external reference");
        final long bob = w.customer("m2");
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, paywall(HASH_A, key, bob, 100, "r1").result(), "another merchant's wallet");
        w.apply(CommandType.REVOKE_API_KEY, "m1", e -> e.set(Field.API_KEY_KEY, key));
        assertEquals(ResultCode.API_KEY_REVOKED, paywall(HASH_A, key, ann, 100, "r1").result());
        w.assertLastChangedNothing("a revoked key");
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldConvertDecimalAmountsByTheKeysCurrencyAndNeverRound()
    {
        final long key = paywallKey(HASH_A);
        w.payIn("m1", ann, 100_000, ZAR);
        final CommandEvent whole = w.apply(CommandType.PAYWALL_PURCHASE, null, e -> e.text(Field.API_KEY_HASH, HASH_A).set(Field.API_KEY_KEY, key)
            .set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_UNSCALED, 100).set(Field.DECIMAL_SCALE, 0).set(Field.CASHBACK_UNSCALED, 5)
            .text(Field.EXTERNAL_REFERENCE, "r-whole"));
        assertEquals(ResultCode.OK, whole.result());
        assertEquals(10_000, ((PurchaseRecord)whole.resultObject()).amountMinor(), "100 ZAR is 10000 cents");
        assertEquals(500, ((PurchaseRecord)whole.resultObject()).cashbackMinor());
        final CommandEvent tooPrecise = w.apply(CommandType.PAYWALL_PURCHASE, null, e -> e.text(Field.API_KEY_HASH, HASH_A)
            .set(Field.API_KEY_KEY, key).set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_UNSCALED, 100_001).set(Field.DECIMAL_SCALE, 3)
            .text(Field.EXTERNAL_REFERENCE, "r-3"));
        assertEquals(ResultCode.AMOUNT_TOO_PRECISE, tooPrecise.result(), "100.001 ZAR");
        w.assertLastChangedNothing("three decimals in ZAR");
        final CommandEvent huge = w.apply(CommandType.PAYWALL_PURCHASE, null, e -> e.text(Field.API_KEY_HASH, HASH_A)
            .set(Field.API_KEY_KEY, key).set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_UNSCALED, Long.MAX_VALUE / 10).set(Field.DECIMAL_SCALE, 0)
            .text(Field.EXTERNAL_REFERENCE, "r-huge"));
        assertEquals(ResultCode.INVALID_AMOUNT, huge.result(), "an amount past the limit once scaled, not an overflow");
        assertEquals(90_000 + 500, w.ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldKeepKeysAndTheirRevocationThroughReplayAndSnapshot() throws Exception
    {
        final long key = paywallKey(HASH_A);
        createKey("m1", ApiDialect.MASUMI, HASH_M, ann);
        w.payIn("m1", ann, 10_000, ZAR);
        paywall(HASH_A, key, ann, 2_500, "order-1");
        w.apply(CommandType.REVOKE_API_KEY, "m1", e -> e.set(Field.API_KEY_KEY, key));

        final WalletLedger replayed = new WalletLedger();
        replayed.replay(w.journal);
        assertEquals(w.ledger.stateHash(), replayed.ledger.stateHash());

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LedgerSnapshot.write(w.ledger, new DataOutputStream(bytes));
        final Ledger restored = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ZAR);
        assertEquals(w.ledger.stateHash(), restored.stateHash());
        final CommandEvent refused = new CommandEvent();
        refused.type(CommandType.PAYWALL_PURCHASE).text(Field.API_KEY_HASH, HASH_A).set(Field.API_KEY_KEY, key).set(Field.CUSTOMER_KEY, ann)
            .set(Field.AMOUNT_UNSCALED, 1).text(Field.EXTERNAL_REFERENCE, "order-2");
        refused.stamp(w.journal.size() + 1, w.nowMs);
        restored.apply(refused);
        assertEquals(ResultCode.API_KEY_REVOKED, refused.result(), "the revocation survives the snapshot");
        assertNull(refused.resultObject());
    }
}
