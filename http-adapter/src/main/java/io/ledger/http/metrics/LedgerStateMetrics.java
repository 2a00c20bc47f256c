package io.ledger.http.metrics;

import io.ledger.engine.CommandGateway;
import io.ledger.engine.LedgerTotals;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The metric families {@link LedgerMetrics} reads from the state of the ledger and its journal rather than counts
 * itself: money per currency (the totals the ledger thread publishes), the journal's files, durability and position,
 * and the snapshots. Registered once; each is read at scrape time through a callback.
 *
 * <p>Thread-safety: the callbacks run on the scraping thread and read only published, thread-safe state.
 */
final class LedgerStateMetrics
{
    private final PrometheusRegistry registry;
    private final CommandGateway pipeline;
    private final JournalFiles journalFiles;
    private final JournalStatus journal;
    private final JournalSpace journalSpace;

    LedgerStateMetrics(final PrometheusRegistry registry, final CommandGateway pipeline, final JournalFiles journalFiles,
        final JournalStatus journal, final JournalSpace journalSpace)
    {
        this.journalSpace = journalSpace;
        this.registry = registry;
        this.pipeline = pipeline;
        this.journalFiles = journalFiles;
        this.journal = journal;
    }

    void registerMoney()
    {
        GaugeWithCallback.builder()
            .name("ledger_money_minor")
            .help("Money held per currency, in minor units, summed over every account of a kind (holder: customers, "
                + "merchants, held: escrowed purchases' holds, gifts: gift balances), as the ledger thread published it at "
                + "the end of its latest batch.")
            .labelNames("currency", "holder")
            .callback(callback ->
            {
                for (final LedgerTotals.CurrencyTotals t : pipeline.moneyTotals().read())
                {
                    callback.call(t.customersMinor(), t.currency(), "customers");
                    callback.call(t.merchantsMinor(), t.currency(), "merchants");
                    callback.call(t.heldMinor(), t.currency(), "held");
                    callback.call(t.giftsMinor(), t.currency(), "gifts");
                }
            })
            .register(registry);
        GaugeWithCallback.builder()
            .name("ledger_money_paid_in_minor")
            .help("Money paid into the ledger per currency since it began, in minor units.")
            .labelNames("currency")
            .callback(callback ->
            {
                for (final LedgerTotals.CurrencyTotals t : pipeline.moneyTotals().read())
                {
                    callback.call(t.paidInMinor(), t.currency());
                }
            })
            .register(registry);
        GaugeWithCallback.builder()
            .name("ledger_money_paid_out_minor")
            .help("Money paid out of the ledger (payouts) per currency since it began, in minor units.")
            .labelNames("currency")
            .callback(callback ->
            {
                for (final LedgerTotals.CurrencyTotals t : pipeline.moneyTotals().read())
                {
                    callback.call(t.paidOutMinor(), t.currency());
                }
            })
            .register(registry);
        GaugeWithCallback.builder()
            .name("ledger_money_conserved")
            .help("1 when customers + merchants + held + gifts equal paid in - paid out for the currency in the published totals, "
                + "else 0 (money went wrong: stop and audit with ledger verify).")
            .labelNames("currency")
            .callback(callback ->
            {
                for (final LedgerTotals.CurrencyTotals t : pipeline.moneyTotals().read())
                {
                    callback.call(LedgerMetrics.conserved(t) ? 1 : 0, t.currency());
                }
            })
            .register(registry);
    }

    /** The journal's files (when the server told of them) and its durability, position and snapshots (likewise). */
    void registerJournal()
    {
        if (journalFiles != null)
        {
            registerJournalFiles();
        }
        if (journalSpace != null)
        {
            gauge(registry, "ledger_journal_disk_free_bytes", "Bytes this process may still write on the journal directory's file "
                + "system (-1 when unknown); GET /api/canary/health reports the journal down below 256 MiB.", Unit.BYTES,
                () -> journalSpace.state().usableBytes());
            gauge(registry, "ledger_journal_writable", "1 when this process may create files in the journal directory, else 0.",
                null, () -> journalSpace.state().writable() ? 1 : 0);
        }
        if (journal != null)
        {
            registerJournalStatus();
        }
    }

    private void registerJournalFiles()
    {
        GaugeWithCallback.builder()
            .name("ledger_journal_files")
            .help("Chronicle queue files (*.cq4) in the journal directory.")
            .callback(callback ->
            {
                final long[] filesAndBytes = journalFiles();
                if (filesAndBytes != null)
                {
                    callback.call(filesAndBytes[0]);
                }
            })
            .register(registry);
        GaugeWithCallback.builder()
            .name("ledger_journal_file_bytes")
            .help("Apparent size of the journal's queue files in bytes. Chronicle creates them sparse and grows them in "
                + "chunks, so this is an upper bound of the disk used (du shows the real use).")
            .callback(callback ->
            {
                final long[] filesAndBytes = journalFiles();
                if (filesAndBytes != null)
                {
                    callback.call(filesAndBytes[1]);
                }
            })
            .register(registry);
    }

    /** The journal's syncs to the disk: in {@code fsync} durability, the disk's share of every acknowledgement. */
    private void registerJournalSyncs()
    {
        CounterWithCallback.builder()
            .name("ledger_journal_syncs_total")
            .help("Times the journal was synced to the disk: in fsync durability once per group commit (a batch of "
                + "commands acknowledged together), 0 in process durability.")
            .callback(callback -> callback.call(journal.syncs()))
            .register(registry);
        CounterWithCallback.builder()
            .name("ledger_journal_sync_seconds_total")
            .help("Time the journal's syncs to the disk took, in seconds. Divided by ledger_journal_syncs_total: the "
                + "disk's share of every fsync acknowledgement.")
            .unit(Unit.SECONDS)
            .callback(callback -> callback.call(journal.syncNs() / 1e9))
            .register(registry);
    }

    private void registerJournalStatus()
    {
        Info.builder()
            .name("ledger_journal_durability_info")
            .help("The journal's durability mode (--durability): process or fsync.")
            .labelNames("mode")
            .register(registry)
            .setLabelValues(journal.durability());
        registerJournalSyncs();
        gauge(registry, "ledger_journal_index", "The Chronicle index of the last journal record (cycle in the high bits, sequence "
            + "in the low bits); -1 for an empty journal.", null, journal::journalIndex);
        GaugeWithCallback.builder()
            .name("ledger_snapshot_last_timestamp_seconds")
            .help("When the newest snapshot was written (by this process, or the one loaded at start), Unix seconds; "
                + "absent without one.")
            .unit(Unit.SECONDS)
            .callback(callback ->
            {
                final JournalStatus.Snapshot last = journal.lastSnapshot();
                if (last != null)
                {
                    callback.call(last.atMs() / 1000.0);
                }
            })
            .register(registry);
        GaugeWithCallback.builder()
            .name("ledger_snapshot_age_seconds")
            .help("Time since the newest snapshot was written, in seconds; absent without one.")
            .unit(Unit.SECONDS)
            .callback(callback ->
            {
                final JournalStatus.Snapshot last = journal.lastSnapshot();
                if (last != null)
                {
                    callback.call(Math.max(0, System.currentTimeMillis() - last.atMs()) / 1000.0);
                }
            })
            .register(registry);
        GaugeWithCallback.builder()
            .name("ledger_snapshot_last_duration_seconds")
            .help("How long the snapshot follower took to write the newest snapshot this process wrote (payload, state hash, "
                + "header, fsync, rename), in seconds; the ledger thread does not stop for it.")
            .unit(Unit.SECONDS)
            .callback(callback ->
            {
                final JournalStatus.Snapshot last = journal.lastSnapshot();
                if (last != null && last.totalNs() >= 0)
                {
                    callback.call(last.totalNs() / 1e9);
                }
            })
            .register(registry);
        CounterWithCallback.builder()
            .name("ledger_snapshots_written_total")
            .help("Snapshots this process wrote.")
            .callback(callback -> callback.call(journal.snapshotsWritten()))
            .register(registry);
        CounterWithCallback.builder()
            .name("ledger_snapshot_failures_total")
            .help("Snapshots that failed to be written (each logged at ERROR; the journal still holds every command).")
            .callback(callback -> callback.call(journal.snapshotFailures()))
            .register(registry);
        gauge(registry, "ledger_snapshot_follower_up", "1 while the snapshot follower (the thread that keeps a copy of the ledger "
            + "by reading the journal and writes the snapshots) runs; 0 once it stopped after a failure, logged at ERROR: no "
            + "more snapshots until a restart.", null, () -> journal.followerUp() ? 1 : 0);
        GaugeWithCallback.builder()
            .name("ledger_snapshot_follower_behind_records")
            .help("Journal records the snapshot follower has not applied yet; absent while it rebuilds its copy at start.")
            .callback(callback ->
            {
                final long behind = journal.followerRecordsBehind();
                if (behind >= 0)
                {
                    callback.call(behind);
                }
            })
            .register(registry);
    }

    /** @return {files, bytes} of the journal's queue files, or null when the directory cannot be listed now. */
    private long[] journalFiles()
    {
        final JournalFiles.Usage usage = journalFiles.usage();
        if (usage == null)
        {
            return null; // the journal directory is being rolled or is gone: leave the gauges out of this scrape
        }
        return new long[] {usage.files(), usage.bytes()};
    }

    /** @param unit the unit, which the name must end with (the client would append it otherwise); null for none. */
    static void gauge(
        final PrometheusRegistry registry, final String name, final String help, final Unit unit, final java.util.function.DoubleSupplier value)
    {
        final GaugeWithCallback.Builder builder = GaugeWithCallback.builder().name(name).help(help)
            .callback(callback -> callback.call(value.getAsDouble()));
        if (unit != null)
        {
            builder.unit(unit);
        }
        builder.register(registry);
    }
}
