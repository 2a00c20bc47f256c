package io.ledger.http;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Property-based testing in a page: generators are functions of a seeded {@link SplittableRandom}, and
 * {@link #forAll} runs a property on {@code tries} generated inputs and, on the first failure, reports the input,
 * the try and the seed that reproduces the whole run.
 *
 * <p>Seed and size come from system properties so a failure can be replayed and a run can be made longer:
 * {@code -Dledger.fuzz.seed=N} (default: a new seed each run, printed on failure) and
 * {@code -Dledger.fuzz.tries=F} (a multiplier on every property's tries, default 1). There is no shrinking: the
 * generators are built so that a failing input is small enough to read.
 */
public final class Fuzz
{
    /** A generator of values of {@code T}. */
    @FunctionalInterface
    public interface Gen<T>
    {
        T next(SplittableRandom random);
    }

    static final long SEED = Long.getLong("ledger.fuzz.seed", new SplittableRandom().nextLong());
    static final double TRIES_FACTOR = Double.parseDouble(System.getProperty("ledger.fuzz.tries", "1"));

    private Fuzz()
    {
    }

    /**
     * Runs {@code property} on {@code tries} inputs from {@code gen}.
     *
     * @throws AssertionError naming the input, the try and the seed, with the property's failure as its cause.
     */
    public static <T> void forAll(final String name, final int tries, final Gen<T> gen, final Consumer<T> property)
    {
        final SplittableRandom root = new SplittableRandom(SEED ^ name.hashCode());
        final int n = Math.max(1, (int)Math.round(tries * TRIES_FACTOR));
        for (int i = 0; i < n; i++)
        {
            final T input = gen.next(root.split());
            try
            {
                property.accept(input);
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError("property '" + name + "' failed on try " + (i + 1) + " of " + n
                    + " (replay with -Dledger.fuzz.seed=" + SEED + "), input: " + describe(input) + "\n" + ex.getMessage(), ex);
            }
        }
    }

    private static String describe(final Object input)
    {
        final String text = String.valueOf(input);
        return text.length() > 2000 ? text.substring(0, 2000) + "...(" + text.length() + " chars)" : text;
    }

    // ---- combinators

    static <T> Gen<T> constant(final T value)
    {
        return r -> value;
    }

    @SafeVarargs
    static <T> Gen<T> oneOf(final T... values)
    {
        return r -> values[r.nextInt(values.length)];
    }

    static <T> Gen<T> oneOf(final List<T> values)
    {
        return r -> values.get(r.nextInt(values.size()));
    }

    @SafeVarargs
    static <T> Gen<T> oneOfGens(final Gen<? extends T>... gens)
    {
        return r -> gens[r.nextInt(gens.length)].next(r);
    }

    static Gen<Integer> ints(final int minInclusive, final int maxInclusive)
    {
        return r -> minInclusive + r.nextInt(maxInclusive - minInclusive + 1);
    }

    /** Strings of {@code minLength..maxLength} chars drawn from {@code alphabet}. */
    static Gen<String> strings(final String alphabet, final int minLength, final int maxLength)
    {
        return r ->
        {
            final int length = minLength + r.nextInt(maxLength - minLength + 1);
            final StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++)
            {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            return sb.toString();
        };
    }

    /** Any UTF-16 code units, surrogates and controls included. */
    static Gen<String> anyChars(final int minLength, final int maxLength)
    {
        return r ->
        {
            final int length = minLength + r.nextInt(maxLength - minLength + 1);
            final StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++)
            {
                final int kind = r.nextInt(4);
                sb.append(switch (kind)
                {
                    case 0 -> (char)r.nextInt(0x20);
                    case 1 -> (char)(0x20 + r.nextInt(0x5F));
                    case 2 -> (char)(0x80 + r.nextInt(0x780));
                    default -> (char)r.nextInt(0x10000);
                });
            }
            return sb.toString();
        };
    }
}
