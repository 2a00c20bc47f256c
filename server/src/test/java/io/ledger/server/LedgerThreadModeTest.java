package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ledger.server.LedgerServer.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * {@code --ledger-thread auto} (the default) runs the ledger on the event loop wherever that can run and on its own thread
 * where it cannot (several event loops, {@code fsync}, a wait strategy of its own), saying which and why in one INFO line;
 * an explicit {@code event-loop} where it cannot run is refused, an explicit {@code own} always runs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerThreadModeTest
{
    private static final String WAIT_DEFAULT = Config.WAIT_STRATEGY_DEFAULT;

    @Test
    void shouldRunAutoOnTheEventLoopWithTheDefaults()
    {
        final Config config = config("auto", "process", 1, WAIT_DEFAULT);
        config.validate();
        assertEquals("event-loop", LedgerThreadMode.resolve(config));
        assertEquals("auto", new Config(0, Path.of("data"), new byte[32], "process", 1024, WAIT_DEFAULT, 1, "ZAR").ledgerThread(),
            "the configuration's default");
        final ILoggingEvent line = onlyLine(config, true);
        assertEquals("commands are journaled, applied and answered on the HTTP event loop (--ledger-thread auto: one event "
            + "loop, durability=process, the default wait strategy)", line.getFormattedMessage());
    }

    @Test
    void shouldFallBackToTheLedgerThreadWhereTheEventLoopCannotRunAndSayWhy()
    {
        assertFallsBack(config("auto", "fsync", 1, WAIT_DEFAULT), "needs durability=process: the sync of durability=fsync would "
            + "stop the event loop's I/O while it runs");
        assertFallsBack(config("auto", "process", 2, WAIT_DEFAULT), "needs io-threads=1 (io-threads=2): the other event loops "
            + "would hand every command over to it");
        assertFallsBack(config("auto", "process", 1, "busy-spin"), "takes no wait-strategy (wait-strategy=busy-spin): nothing "
            + "waits on the ring");
    }

    @Test
    void shouldRunAnExplicitModeAsAskedOrRefuseAnEventLoopThatCannotRun()
    {
        final Config own = config("own", "process", 1, WAIT_DEFAULT);
        own.validate();
        assertEquals("own", LedgerThreadMode.resolve(own));
        assertEquals("commands are journaled, applied and answered on the ledger thread (--ledger-thread own)",
            onlyLine(own, false).getFormattedMessage());
        config("own", "fsync", 4, "busy-spin").validate();

        final Config loop = config("event-loop", "process", 1, WAIT_DEFAULT);
        loop.validate();
        assertEquals("event-loop", LedgerThreadMode.resolve(loop));
        assertEquals("commands are journaled, applied and answered on the HTTP event loop (--ledger-thread event-loop)",
            onlyLine(loop, true).getFormattedMessage());

        final IllegalArgumentException fsync = assertThrows(IllegalArgumentException.class,
            () -> config("event-loop", "fsync", 1, WAIT_DEFAULT).validate());
        assertTrue(fsync.getMessage().startsWith("ledger-thread=event-loop needs durability=process"), fsync.getMessage());
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> config("inline", "process", 1, WAIT_DEFAULT).validate());
        assertEquals("ledger-thread=inline must be auto, own or event-loop", unknown.getMessage());
    }

    private static void assertFallsBack(final Config config, final String why)
    {
        config.validate();
        assertEquals("own", LedgerThreadMode.resolve(config));
        assertEquals("commands are journaled, applied and answered on the ledger thread (--ledger-thread auto: the event loop "
            + why + ")", onlyLine(config, false).getFormattedMessage());
    }

    /** @return the one line {@link LedgerThreadMode#onEventLoop} logs, at INFO, having checked its answer. */
    private static ILoggingEvent onlyLine(final Config config, final boolean onLoop)
    {
        final Logger logger = (Logger)LoggerFactory.getLogger(LedgerThreadModeTest.class);
        final ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try
        {
            assertEquals(onLoop, LedgerThreadMode.onEventLoop(config, logger));
        }
        finally
        {
            logger.detachAppender(lines);
        }
        assertEquals(1, lines.list.size(), "one line: " + lines.list);
        assertEquals(Level.INFO, lines.list.get(0).getLevel());
        assertFalse(lines.list.get(0).getFormattedMessage().isBlank());
        return lines.list.get(0);
    }

    private static Config config(final String mode, final String durability, final int ioThreads, final String waitStrategy)
    {
        return new Config(0, Path.of("data"), new byte[32], durability, 1024, waitStrategy, ioThreads, "ZAR").withLedgerThread(mode);
    }
}
