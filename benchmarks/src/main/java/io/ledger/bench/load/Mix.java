package io.ledger.bench.load;

import java.util.SplittableRandom;

/**
 * The workload's operation mix: integer weights for purchase, transfer, pay-in and balance read, e.g.
 * {@code purchase=70,payin=10,balance=20}. Operations left out weigh 0. Immutable and thread-safe.
 */
final class Mix
{
    private final int[] weights = new int[Op.WORKLOAD.length];
    private final int[] cumulative = new int[Op.WORKLOAD.length];
    private final int total;

    private Mix(final int[] weights)
    {
        int sum = 0;
        for (int i = 0; i < weights.length; i++)
        {
            if (weights[i] < 0)
            {
                throw new IllegalArgumentException("mix weight " + Op.WORKLOAD[i].label() + "=" + weights[i] + " must be >= 0");
            }
            this.weights[i] = weights[i];
            sum = Math.addExact(sum, weights[i]);
            cumulative[i] = sum;
        }
        if (sum == 0)
        {
            throw new IllegalArgumentException("mix must give at least one operation a weight > 0");
        }
        total = sum;
    }

    /** @param text comma-separated {@code op=weight} pairs, ops from purchase, transfer, payin, balance. */
    static Mix parse(final String text)
    {
        final int[] weights = new int[Op.WORKLOAD.length];
        final boolean[] seen = new boolean[Op.WORKLOAD.length];
        for (final String part : text.split(","))
        {
            final String pair = part.strip();
            if (pair.isEmpty())
            {
                continue;
            }
            final int eq = pair.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("mix entry=\"" + pair + "\" must be op=weight");
            }
            final Op op = Op.byLabel(pair.substring(0, eq).strip());
            if (seen[op.ordinal()])
            {
                throw new IllegalArgumentException("mix names " + op.label() + " twice");
            }
            seen[op.ordinal()] = true;
            try
            {
                weights[op.ordinal()] = Integer.parseInt(pair.substring(eq + 1).strip());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("mix weight \"" + pair + "\" is not an integer", ex);
            }
        }
        return new Mix(weights);
    }

    /** @return a workload operation drawn with these weights. */
    Op draw(final SplittableRandom random)
    {
        final int r = random.nextInt(total);
        for (int i = 0; i < cumulative.length; i++)
        {
            if (r < cumulative[i])
            {
                return Op.WORKLOAD[i];
            }
        }
        throw new IllegalStateException("unreachable: r=" + r + " total=" + total);
    }

    /** @return true when {@code op} is the only operation with a weight. */
    boolean only(final Op op)
    {
        return weights[op.ordinal()] == total;
    }

    int weight(final Op op)
    {
        return weights[op.ordinal()];
    }

    /** @return the canonical text, only the weights above 0, e.g. {@code purchase=70,payin=10,balance=20}. */
    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        for (final Op op : Op.WORKLOAD)
        {
            if (weights[op.ordinal()] > 0)
            {
                text.append(text.length() == 0 ? "" : ",").append(op.label()).append('=').append(weights[op.ordinal()]);
            }
        }
        return text.toString();
    }
}
