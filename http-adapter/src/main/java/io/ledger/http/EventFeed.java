package io.ledger.http;

/**
 * Where the change stream ({@code GET /api/canary/events}) reads committed ledger events from: the wiring module
 * supplies it over its outcome queue (the adapter sees no journal). Events come in journal order, each with its journal
 * index as id, its type, and its data (the resource as the API answers it).
 */
public interface EventFeed
{
    /**
     * Opens a cursor over one merchant's events. Called on the event-stream thread, which alone uses the cursor.
     *
     * @param merchantId the merchant whose events it yields (the others are read past).
     * @param atEnd      true to yield only events written from now on; false to start at the first.
     */
    Cursor open(String merchantId, boolean atEnd);

    /** @return the journal index of the last event written (any merchant's), -1 for none: where {@code from=latest} resumes. */
    long lastJournalIndex();

    /** One merchant's events in order; one thread only. */
    interface Cursor extends AutoCloseable
    {
        /**
         * @return true when the next committed event of the merchant was read (its fields below); false when there is
         * none yet (or the next is not committed yet: it stays unread).
         */
        boolean next();

        /** @return the journal index of the event read: its id. */
        long journalIndex();

        String type();

        /** @return the resource as JSON, one line. */
        String data();

        @Override
        void close();
    }
}
