package io.ledger.engine;

import java.util.function.Consumer;

import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.CustomerRows;

/**
 * Applies journaled commands to a {@link Ledger} a small window at a time, so that a replay takes its memory misses
 * side by side instead of one after another.
 *
 * <p>Why: on a big ledger (a million customers) each pay-in or purchase touches a customer of the million at random:
 * a cache and TLB miss for its slot in the row index, then another for its row, and {@link Ledger#apply} waits for each
 * before it goes on, so a replay spends most of its time waiting for memory, one miss at a time. Here the journal reader
 * decodes up to {@code commands} records into the window's own events ({@link #next()}, {@link #commit()}); when the
 * window is full, it first reads every one of their customers' index slots, back to back (independent loads: the CPU has
 * many misses in flight at once), then every one of their rows the same way, and only then applies the commands, in
 * order, each finding its customer in the cache. Just before a command is applied, the row read ahead for its first
 * customer is handed to {@link CustomerRows#remember}, so that the command finds it without hashing the key again. A
 * customer creation gets its slots in the index and in the records' map read the same way, ahead of their inserts. A
 * ledger of fewer than {@link #READ_AHEAD_CUSTOMERS_MIN} customers is not read ahead: it is in the cache already.
 *
 * <p>What is applied, and in which order, does not change: the reads ahead only read (they change no map, and a row is
 * remembered, as {@link CustomerRows#find} would remember it, only when the command that looks it up comes: rows never
 * move), a command applied here sees exactly the state it would see applied alone, and a read ahead that finds nothing
 * (a customer the window itself creates) or finds a slot that moves before the command runs (a map that grows) merely
 * misses the cache as before. With {@code commands} 1 it is the record-by-record replay. Nothing is allocated per
 * record: the events, and the arrays of keys and rows read ahead, are made once.
 *
 * <p>A window made with {@link #borrowing} owns no events: it is handed events that live elsewhere ({@link #add}), such
 * as the slots of a ring a reader thread decodes into, and keeps them (unchanged) until it applied them; the caller
 * reuses an event only once {@link #waiting()} says it left the window.
 *
 * <p>Single-threaded: the replaying thread, which owns the ledger meanwhile.
 */
public final class ReplayWindow
{
    /** Commands per window by default: enough misses in flight for the CPUs this runs on, little to decode ahead. */
    public static final int COMMANDS_DEFAULT = 16;
    /** Most commands per window: each is a {@link CommandEvent} of a few KiB. */
    public static final int COMMANDS_MAX = 1024;
    private static final int KEYS_PER_COMMAND = 2; // a transfer's two customers
    /**
     * Customers from which the window reads ahead: below it their index slots and rows (about 64 bytes a customer) fit
     * in a core's 2 MiB L2 cache on this project's machines, a command finds its customer there without a miss worth
     * hiding, and the reads ahead only add work (7.6% of {@code JournalBenchmark.replayIntoLedger}'s time with 10,000
     * customers). The window still applies in windows; only the reads ahead are left out, which change nothing.
     */
    static final int READ_AHEAD_CUSTOMERS_MIN = 32_768;

    private final Ledger ledger;
    private final CustomerRows rows;
    private final CustomerBook customers;
    private final Consumer<CommandEvent> onApplied;
    private final CommandEvent[] events;
    private final boolean owned;
    private final int readAheadCustomersMin;
    private final long[] keys;
    private final int[] keyRows;
    /** Per waiting command: the index in {@link #keys} of its first customer (the one it looks up first), or -1. */
    private final int[] firstKeyOf;
    private int count;
    private long applied;
    /** What the reads ahead returned, kept so that they are not optimised away; means nothing. */
    private long touched;

    /**
     * @param ledger    the ledger the commands are applied to; the caller does not apply to it while commands wait here.
     * @param commands  commands per window, 1..{@link #COMMANDS_MAX} (1: each applied as soon as it is committed).
     * @param onApplied told each command just after it was applied (its event is reused after the call), or {@code null}.
     */
    public ReplayWindow(final Ledger ledger, final int commands, final Consumer<CommandEvent> onApplied)
    {
        this(ledger, commands, onApplied, true, READ_AHEAD_CUSTOMERS_MIN);
    }

    /** Not part of the API: a window that reads ahead from {@code customersMin} customers on (tests: 0, always). */
    static ReplayWindow readingAheadFrom(final Ledger ledger, final int commands, final Consumer<CommandEvent> onApplied,
        final int customersMin)
    {
        return new ReplayWindow(ledger, commands, onApplied, true, customersMin);
    }

    /**
     * A window that owns no events: it is given the caller's with {@link #add} ({@link #next()} refuses). The i-th event
     * added is applied (and may be reused) once {@link #applied()} exceeds i.
     */
    public static ReplayWindow borrowing(final Ledger ledger, final int commands, final Consumer<CommandEvent> onApplied)
    {
        return new ReplayWindow(ledger, commands, onApplied, false, READ_AHEAD_CUSTOMERS_MIN);
    }

    private ReplayWindow(final Ledger ledger, final int commands, final Consumer<CommandEvent> onApplied, final boolean owned,
        final int readAheadCustomersMin)
    {
        if (commands < 1 || commands > COMMANDS_MAX)
        {
            throw new IllegalArgumentException("commands=" + commands + " must be 1.." + COMMANDS_MAX);
        }
        this.ledger = ledger;
        this.rows = ledger.state().customerRows();
        this.customers = ledger.state().customers();
        this.onApplied = onApplied;
        this.owned = owned;
        this.readAheadCustomersMin = readAheadCustomersMin;
        events = new CommandEvent[commands];
        for (int i = 0; owned && i < commands; i++)
        {
            events[i] = new CommandEvent();
        }
        keys = new long[commands * KEYS_PER_COMMAND];
        keyRows = new int[commands * KEYS_PER_COMMAND];
        firstKeyOf = new int[commands];
    }

    /** @return the event to decode the next record into; it counts once {@link #commit()} is called. */
    public CommandEvent next()
    {
        if (!owned)
        {
            throw new IllegalStateException("a borrowing window owns no events: add() them");
        }
        return events[count];
    }

    /**
     * Takes {@code event}, which the caller decoded and does not touch until it is applied, as the next command; applies
     * the window when it is full. For a window made with {@link #borrowing}.
     */
    public void add(final CommandEvent event)
    {
        if (owned)
        {
            throw new IllegalStateException("an owning window decodes into its own events: next() then commit()");
        }
        events[count] = event;
        commit();
    }

    /** Takes the event {@link #next()} returned as the next command; applies the window when it is full. */
    public void commit()
    {
        if (++count == events.length)
        {
            flush();
        }
    }

    /** Applies every command waiting, in order: at the end of a replay, or before the ledger is used otherwise. */
    public void flush()
    {
        final int n = count;
        if (n == 0)
        {
            return;
        }
        final boolean readAhead = n > 1 && rows.size() >= readAheadCustomersMin;
        if (readAhead)
        {
            readAhead(n);
        }
        count = 0; // before applying: a command that throws (a bug) must not be applied again by a later flush
        for (int i = 0; i < n; i++)
        {
            final CommandEvent event = events[i];
            final int first = readAhead ? firstKeyOf[i] : -1;
            if (first >= 0 && keyRows[first] >= 0)
            {
                rows.remember(keys[first], keyRows[first]); // its first lookup then finds the row without hashing
            }
            ledger.apply(event);
            applied++;
            if (onApplied != null)
            {
                onApplied.accept(event);
            }
        }
    }

    /** @return how many commands were applied. */
    public long applied()
    {
        return applied;
    }

    /** @return how many commands wait to be applied. */
    public int waiting()
    {
        return count;
    }

    /** Reads the index slots of the waiting commands' customers, then their rows: each pass a run of independent loads. */
    private void readAhead(final int n)
    {
        long sum = 0;
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            final CommandEvent event = events[i];
            firstKeyOf[i] = -1;
            if (event.type() == CommandType.CREATE_CUSTOMER)
            {
                final long key = event.commandId(); // a customer's key is the id of the command that created it
                keys[k++] = key;
                sum += customers.touch(key);
                continue;
            }
            final long customer = event.get(Field.CUSTOMER_KEY);
            if (customer >= 0)
            {
                firstKeyOf[i] = k;
                keys[k++] = customer;
            }
            final long other = event.get(Field.TO_CUSTOMER_KEY);
            if (other >= 0)
            {
                keys[k++] = other;
            }
        }
        for (int j = 0; j < k; j++)
        {
            keyRows[j] = rows.peek(keys[j]);
        }
        for (int j = 0; j < k; j++)
        {
            final int row = keyRows[j];
            if (row >= 0)
            {
                sum += rows.touch(row);
            }
        }
        touched += sum;
    }

    /** Not part of the API: what the reads ahead returned, for tests that they happened. */
    long touched()
    {
        return touched;
    }
}
