package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.internal.SnapshotTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The deployment's id salt: journaled once, first; held in the state, its hash and its snapshots. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeploymentTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final long SALT = 0x7A17_5A17_5A17_5A17L;

    private final CommandEvent event = new CommandEvent();
    private long commandId;

    @Test
    void shouldTakeTheSaltAsTheFirstCommandOnlyOnce()
    {
        final Ledger ledger = new Ledger(ZAR);
        assertEquals(ResultCode.OK, initialize(ledger, SALT));
        assertEquals(SALT, ledger.deploymentSalt());
        final long hash = ledger.stateHash();

        assertEquals(ResultCode.ALREADY_INITIALIZED, initialize(ledger, SALT + 1));
        assertEquals(SALT, ledger.deploymentSalt(), "a second salt changes nothing");
        assertNotEquals(hash, ledger.stateHash(), "the refused command is counted, like every journaled refusal");
    }

    @Test
    void shouldRefuseASaltOnceAnyCommandWasAppliedBecauseIdsWereIssuedWithout()
    {
        final Ledger ledger = new Ledger(ZAR);
        createCustomer(ledger);
        assertEquals(ResultCode.ALREADY_INITIALIZED, initialize(ledger, SALT));
        assertEquals(0, ledger.deploymentSalt());
        assertEquals(ResultCode.INVALID_FIELD, initialize(new Ledger(ZAR), 0), "0 means no salt");
    }

    @Test
    void shouldFoldTheSaltIntoTheStateHashOnlyWhenThereIsOne()
    {
        final Ledger a = new Ledger(ZAR);
        final Ledger b = new Ledger(ZAR);
        initialize(a, SALT);
        initialize(b, SALT + 1);
        assertNotEquals(a.stateHash(), b.stateHash());

        assertEquals(0xd43aa2541eec1bc7L, new Ledger(ZAR).stateHash(), "an empty ledger hashes as it did before salts (4af94da)");
    }

    @Test
    void shouldKeepTheSaltInASnapshotAndWriteNoSectionForIt() throws IOException
    {
        final Ledger salted = new Ledger(ZAR);
        initialize(salted, SALT);
        createCustomer(salted);
        final byte[] payload = write(salted);
        final Ledger restored = read(payload);
        assertEquals(SALT, restored.deploymentSalt());
        assertEquals(salted.stateHash(), restored.stateHash());
        assertTrue(hasSection(payload, SnapshotTags.DEPLOYMENT));

        final Ledger unsalted = new Ledger(ZAR);
        createCustomer(unsalted);
        final byte[] old = write(unsalted);
        assertFalse(hasSection(old, SnapshotTags.DEPLOYMENT), "an unsalted ledger's snapshot is what older builds wrote");
        assertEquals(0, read(old).deploymentSalt(), "a snapshot without the section reads as no salt");
    }

    private ResultCode initialize(final Ledger ledger, final long salt)
    {
        event.clear();
        event.type(CommandType.INITIALIZE_DEPLOYMENT).set(Field.DEPLOYMENT_SALT, salt).stamp(++commandId, 1_700_000_000_000L);
        ledger.apply(event);
        return event.result();
    }

    private void createCustomer(final Ledger ledger)
    {
        event.clear();
        event.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}")
            .stamp(++commandId, 1_700_000_000_000L);
        ledger.apply(event);
        assertEquals(ResultCode.OK, event.result());
    }

    private static byte[] write(final Ledger ledger) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            LedgerSnapshot.write(ledger, out);
        }
        return bytes.toByteArray();
    }

    private static Ledger read(final byte[] payload) throws IOException
    {
        return LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(payload)), ZAR);
    }

    /** Walks the payload's sections (tag, blocks, end) looking for {@code tag}. */
    private static boolean hasSection(final byte[] payload, final int tag)
    {
        final ByteBuffer in = ByteBuffer.wrap(payload);
        in.getInt(); // format version
        int next;
        while ((next = in.getInt()) != 0)
        {
            if (next == tag)
            {
                return true;
            }
            int block;
            while ((block = in.getInt()) != 0)
            {
                in.position(in.position() + block);
            }
        }
        return false;
    }
}
