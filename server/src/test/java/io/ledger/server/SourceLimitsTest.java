package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 11's size limits hold over every module's main sources ({@link SourceLimits}), and the scan measures right. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SourceLimitsTest
{
    @Test
    void shouldKeepEveryMainSourceFileAndMethodWithinTheLimits()
    {
        final List<SourceLimits.Violation> violations = SourceLimits.scan(SourceLimits.root());
        assertEquals(List.of(), violations, "main sources over the limits (issue 11): split them by concern");
    }

    @Test
    void shouldMeasureMethodsFromDeclarationToClosingBrace()
    {
        final String source = """
            class A
            {
                @Override
                public void run() throws java.io.IOException
                {
                    String s = "{ not a block";
                    char c = '{';
                    /* { */ if (true)
                    {
                        Runnable r = () -> { };
                    }
                }

                class B
                {
                    B(final int x)
                    {
                    }
                }
            }
            """;
        final List<String> methods = new ArrayList<>();
        SourceLimits.methods(source, (name, lines) -> methods.add(name + "=" + lines));
        assertEquals(List.of("run=10", "B=3"), methods);
        assertFalse(SourceLimits.sources(SourceLimits.root()).isEmpty(), "the scan finds the main sources");
    }
}
