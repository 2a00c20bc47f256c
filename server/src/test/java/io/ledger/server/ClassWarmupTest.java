package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClassWarmupTest
{
    /** Fails its initializer, as a broken class would. */
    static final class BrokenInit
    {
        static final int VALUE = fail();

        private static int fail()
        {
            throw new IllegalStateException("broken on purpose");
        }
    }

    /** Counts its initializations. */
    static final class Counted
    {
        static int initialized;

        static
        {
            initialized++;
        }
    }

    @Test
    void everyServingClassExistsAndInitializes()
    {
        // A renamed or removed class would make the warm-up quietly do nothing for it.
        assertEquals(ClassWarmup.SERVING.size(), ClassWarmup.load(ClassWarmup.SERVING));
    }

    @Test
    void missingAndBrokenClassesAreSkippedAndTheRestLoaded()
    {
        final List<String> names = List.of("io.ledger.server.NoSuchClassAnywhere", BrokenInit.class.getName(), Counted.class.getName());
        assertEquals(1, ClassWarmup.load(names));
        assertEquals(1, Counted.initialized);
        // The broken class stays broken for its real user, as without the warm-up.
        assertThrows(NoClassDefFoundError.class, () -> Integer.valueOf(BrokenInit.VALUE));
    }

    @Test
    void awaitReturnsOnceTheWarmupEnded()
    {
        final Thread warmup = ClassWarmup.start("test-warmup", List.of(Counted.class.getName()));
        ClassWarmup.await(warmup);
        assertFalse(warmup.isAlive());
        assertEquals(1, Counted.initialized); // initialized once, whichever test ran first
        ClassWarmup.await(null);
    }
}
