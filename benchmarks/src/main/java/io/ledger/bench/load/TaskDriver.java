package io.ledger.bench.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop phase over a fixed list of tasks (create customer i, pay customer i in, read customer i's balance):
 * every connection takes the next task until none is left. Each reply goes to {@link Task#onReply}; the first
 * failure is kept and stops further tasks. Thread-safe.
 */
final class TaskDriver implements Phase.Driver
{
    interface Task
    {
        void fill(int task, Pending p);

        /** @return null when the reply is what was expected, else a message saying what went wrong. */
        String onReply(Pending p, int status, String body);
    }

    private final int tasks;
    private final Task task;
    private final AtomicInteger next = new AtomicInteger();
    final AtomicReference<String> failure = new AtomicReference<>();

    TaskDriver(final int tasks, final Task task)
    {
        this.tasks = tasks;
        this.task = task;
    }

    @Override
    public boolean next(final ClientConnection connection, final Pending p)
    {
        if (failure.get() != null)
        {
            return false;
        }
        final int i = next.getAndIncrement();
        if (i >= tasks)
        {
            return false;
        }
        p.task = i;
        task.fill(i, p);
        return true;
    }

    @Override
    public void onReply(final ClientConnection connection, final Pending p, final int status, final String body, final long nowNs)
    {
        final String problem = task.onReply(p, status, body);
        if (problem != null)
        {
            failure.compareAndSet(null, problem);
        }
    }

    @Override
    public void onUnknown(final ClientConnection connection, final Pending p)
    {
        failure.compareAndSet(null, p.op.label() + " task=" + p.task + ": no reply (connection closed)");
    }

    @Override
    public boolean wantsBody(final Pending p)
    {
        return true;
    }
}
