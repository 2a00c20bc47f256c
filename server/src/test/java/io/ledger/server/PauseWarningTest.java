package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PauseWarningTest
{
    private static final Pattern SINCE_LAST = Pattern.compile(
        "since the last warning (\\d+) ms ago, it waited (\\d+) ms for a CPU and ran (\\d+) ms$");

    @Test
    void shouldSayHowLongTheThreadWaitedForACpuAndRanSinceTheLastWarning()
    {
        final Logger log = (Logger)LoggerFactory.getLogger("io.ledger.server.PauseWarningTest");
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        log.addAppender(logs);
        log.setLevel(Level.WARN);
        log.setAdditive(false);
        try
        {
            final PauseWarning warning = new PauseWarning(log, 50);
            warning.onLongPause(TimeUnit.MILLISECONDS.toNanos(84), 17, 2);
            final long spinUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            while (System.nanoTime() < spinUntilNs)
            {
                Thread.onSpinWait();
            }
            warning.onLongPause(TimeUnit.MILLISECONDS.toNanos(61), 18, 0);

            final List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("the ledger thread went 84 ms without completing a command while commandId=17 waited "
                + "(2 more pauses over 50 ms since the last warning)"), lines.get(0));
            assertTrue(lines.get(1).startsWith("the ledger thread went 61 ms without completing a command while commandId=18 waited "
                + "(0 more pauses over 50 ms since the last warning)"), lines.get(1));
            if (!Files.isReadable(Path.of("/proc/thread-self/schedstat")))
            {
                assertTrue(lines.get(1).endsWith("warning)"), "no CPU figures where the kernel keeps none: " + lines.get(1));
                return;
            }
            assertTrue(lines.get(0).contains("; since it started, the thread has waited "), lines.get(0));
            final Matcher since = SINCE_LAST.matcher(lines.get(1));
            assertTrue(since.find(), lines.get(1));
            final long windowMs = Long.parseLong(since.group(1));
            final long waitedMs = Long.parseLong(since.group(2));
            final long ranMs = Long.parseLong(since.group(3));
            assertTrue(windowMs >= 100, "the 100 ms spin lies between the two warnings: " + windowMs);
            // the spinning thread was either running or ready to run: the two add up to the window (kernel ticks of
            // rounding aside), however loaded the machine is
            assertTrue(waitedMs + ranMs >= 90 && waitedMs + ranMs <= windowMs + 5, lines.get(1));
        }
        finally
        {
            log.detachAppender(logs);
            log.setAdditive(true);
        }
    }
}
