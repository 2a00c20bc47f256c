package io.ledger.bench.load;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

import io.netty.buffer.ByteBuf;

/**
 * One phase of a run (set-up, workload, verification): what each connection sends ({@link Driver}), how fast
 * (closed loop: keep {@code pipeline} requests outstanding; open loop: a schedule of intended send times), and
 * until when. Immutable except for its latch, which each connection counts down once when it is done.
 */
final class Phase
{
    /** What to send next and what to do with the reply. Called on the connection's event loop. */
    interface Driver
    {
        /** Fills {@code p} (already cleared) with the next request; false when this connection has nothing more. */
        boolean next(ClientConnection connection, Pending p);

        void onReply(ClientConnection connection, Pending p, int status, String body, long nowNs);

        /** The reply to {@code p} will never come (the connection closed, or the run gave up waiting). */
        void onUnknown(ClientConnection connection, Pending p);

        /**
         * A reply to a batch request ({@link Pending#batchSize} > 1): its body stays bytes ({@code content}, valid
         * during the call only). By default handled as {@link #onReply} without a body.
         */
        default void onBatchReply(final ClientConnection connection, final Pending p, final int status, final ByteBuf content, final long nowNs)
        {
            onReply(connection, p, status, null, nowNs);
        }

        /** @return true when the reply's body is needed (it is decoded to a String only then). */
        default boolean wantsBody(final Pending p)
        {
            return false;
        }
    }

    enum Arrival
    {
        UNIFORM, POISSON
    }

    final String name;
    final Driver driver;
    /** 0 for a closed loop. */
    final double rateTotalPerS;
    final Arrival arrival;
    final int connections;
    final long startNs;
    /** Start of the measurement window (the workload's; the start for other phases). */
    final long measureStartNs;
    /** Nothing is sent (closed) or scheduled (open) from here on; 0 = until the driver runs out. */
    final long endNs;
    final CountDownLatch done;

    Phase(final String name, final Driver driver, final double rateTotalPerS, final Arrival arrival, final int connections,
        final long startNs, final long measureStartNs, final long endNs)
    {
        this.measureStartNs = measureStartNs;
        this.name = name;
        this.driver = driver;
        this.rateTotalPerS = rateTotalPerS;
        this.arrival = arrival;
        this.connections = connections;
        this.startNs = startNs;
        this.endNs = endNs;
        this.done = new CountDownLatch(connections);
    }

    boolean openLoop()
    {
        return rateTotalPerS > 0;
    }

    /** Mean gap between two intended sends on one connection. */
    double meanIntervalNs()
    {
        return connections * 1e9 / rateTotalPerS;
    }

    /** @return the first intended send time of connection {@code index}: connections are spread over one interval. */
    long firstIntendedNs(final int index, final SplittableRandom random)
    {
        return arrival == Arrival.POISSON
            ? startNs + nextIntervalNs(random)
            : startNs + (long)(meanIntervalNs() * index / connections);
    }

    /** @return the gap to the next intended send: constant (uniform) or exponentially distributed (Poisson). */
    long nextIntervalNs(final SplittableRandom random)
    {
        final double mean = meanIntervalNs();
        if (arrival == Arrival.UNIFORM)
        {
            return Math.max(1, Math.round(mean));
        }
        return Math.max(1, Math.round(-Math.log(1.0 - random.nextDouble()) * mean));
    }
}
