package io.ledger.engine.internal;

import java.io.IOException;

/**
 * A piece of ledger state that writes and reads its own snapshot sections (tags in {@link SnapshotTags}), so that a
 * new piece of state brings its sections with it instead of adding to a list elsewhere. {@code LedgerSnapshot} only
 * frames the payload and dispatches sections by tag.
 *
 * <p>Thread-safety: {@link #writeSections} only reads, and never through a map's cached iterator, so another thread may
 * read the same state meanwhile (the snapshot writer hashes it in parallel); {@link #readSection} fills a fresh state
 * that the reading thread owns.
 */
public interface SnapshotPart
{
    /** @return the tags of the sections this part writes, in the order it writes them. */
    int[] sectionTags();

    /** Writes every section this part owns; a part may leave out an optional section whose state is at its default. */
    void writeSections(SectionOutput out) throws IOException;

    /**
     * Reads the body of section {@code tag}, one of {@link #sectionTags()}, into this (fresh) part.
     *
     * @param seen which tags were read before this one, indexed by tag: for sections that need another one first.
     * @throws io.ledger.engine.SnapshotFormatException when the body does not follow the layout, naming the section.
     */
    void readSection(int tag, SectionInput in, boolean[] seen) throws IOException;
}
