package io.ledger.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A purchase as a resource: what was bought, by whom, for how much, where it stands, and what a feature it used added
 * (a description, an external reference, an escrow hold, gift balances spent, cashback, refunds). Immutable: the ledger
 * replaces the record when the purchase changes (released, cancelled, refunded); the reply thread reads the one it was
 * handed.
 *
 * <p>The ledger keeps a record only for a purchase that used a feature or changed after it was made; a plain Cashful
 * purchase is read back from its history entry, as a record made for the read (see {@code PurchaseBook}).
 *
 * @param key                        the id of the purchase command; public id {@code pur_...} (see {@link Ids}).
 * @param currency                   packed (see {@link Currencies}).
 * @param description                {@code null} when the request gave none; likewise {@code externalReference}.
 * @param refundedMinor              the money refunded so far.
 * @param refunds                    oldest first; empty when none.
 * @param releaseAtMs                when a held purchase is released by itself, or {@link #NOT_ESCROWED}.
 * @param refundableUntilMs          the last moment a held purchase may be cancelled, or {@link #NOT_ESCROWED}.
 * @param giftUses                   the gift balances spent, in spending order; {@code null} when the request did not ask
 *                                   for gift balances.
 * @param cashbackMinor              the cashback credited, or -1 when the request asked for none.
 * @param customerBalanceBeforeMinor the customer's cash balance in the purchase's currency before it; likewise after
 *                                   (after gift balances, the debit and the cashback).
 */
public record PurchaseRecord(
    long key,
    String merchantId,
    long customerKey,
    long amountMinor,
    int currency,
    String productId,
    String description,
    String externalReference,
    PurchaseStatus status,
    long refundedMinor,
    List<RefundRecord> refunds,
    long releaseAtMs,
    long refundableUntilMs,
    List<GiftUse> giftUses,
    long cashbackMinor,
    long customerBalanceBeforeMinor,
    long customerBalanceAfterMinor,
    long createdAtMs,
    long updatedAtMs)
{
    /** {@link #releaseAtMs()} and {@link #refundableUntilMs()} of a purchase that was never held. */
    public static final long NOT_ESCROWED = Long.MIN_VALUE;

    /**
     * One gift balance spent on a purchase.
     *
     * @param giftBalanceKey the gift balance ({@code gft_...}).
     * @param amountMinor    how much of it.
     */
    public record GiftUse(long giftBalanceKey, long amountMinor)
    {
    }

    /** @return true when the purchase was made with an escrow hold (held, or released or cancelled since). */
    public boolean escrowed()
    {
        return releaseAtMs != NOT_ESCROWED;
    }

    /** @return the money paid with gift balances; 0 when none. */
    public long giftUsedMinor()
    {
        long sum = 0;
        if (giftUses != null)
        {
            for (final GiftUse use : giftUses)
            {
                sum += use.amountMinor();
            }
        }
        return sum;
    }

    /**
     * @return what a refund may still return: the part paid in cash (gift balances are the merchant's promotion and are
     * not paid back in cash) less what was refunded; 0 unless completed or partly refunded.
     */
    public long refundableMinor()
    {
        final boolean refundable = status == PurchaseStatus.COMPLETED || status == PurchaseStatus.PARTIALLY_REFUNDED;
        return refundable ? amountMinor - giftUsedMinor() - refundedMinor : 0;
    }

    /** @return this purchase with status {@code to} from {@code timeMs} on. */
    public PurchaseRecord withStatus(final PurchaseStatus to, final long timeMs)
    {
        return new PurchaseRecord(key, merchantId, customerKey, amountMinor, currency, productId, description, externalReference, to,
            refundedMinor, refunds, releaseAtMs, refundableUntilMs, giftUses, cashbackMinor, customerBalanceBeforeMinor,
            customerBalanceAfterMinor, createdAtMs, timeMs);
    }

    /** @return this purchase with {@code refund} added: partially refunded, or refunded once nothing is left. */
    public PurchaseRecord withRefund(final RefundRecord refund)
    {
        final List<RefundRecord> all = new ArrayList<>(refunds.size() + 1);
        all.addAll(refunds);
        all.add(refund);
        final long refunded = refundedMinor + refund.amountMinor();
        final PurchaseStatus to = refunded == amountMinor - giftUsedMinor() ? PurchaseStatus.REFUNDED : PurchaseStatus.PARTIALLY_REFUNDED;
        return new PurchaseRecord(key, merchantId, customerKey, amountMinor, currency, productId, description, externalReference, to,
            refunded, List.copyOf(all), releaseAtMs, refundableUntilMs, giftUses, cashbackMinor, customerBalanceBeforeMinor,
            customerBalanceAfterMinor, createdAtMs, refund.createdAtMs());
    }
}
