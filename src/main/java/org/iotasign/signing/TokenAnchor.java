package org.iotasign.signing;

import java.util.List;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.ledger.AnchorStore;
import org.iotasign.ledger.LedgerAnchor;
import org.iotasign.token.TokenDataObject;
import org.iotasign.token.TokenKey;

/**
 * The ledger anchor as a private data object on the signing key's token, written in the
 * session that signs. Two copies exist only after a crash inside {@link TokenDataObject#replace}
 * (new one created, old not yet destroyed): the higher count is the newer one.
 */
final class TokenAnchor implements AnchorStore {
    static final String LABEL = "iotasign-ledger-anchor";

    private final TokenDataObject object;

    private TokenAnchor(TokenDataObject object) {
        this.object = object;
    }

    /** The anchor store of {@code key}'s token, or {@link AnchorStore#NONE} where its profile keeps no data objects. */
    static AnchorStore of(TokenKey key) {
        return key.dataObject(LABEL).<AnchorStore>map(TokenAnchor::new)
                .orElse(AnchorStore.none("token '" + key.tokenLabel() + "' (profile " + key.profileName() + ")"));
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Optional<LedgerAnchor> read() {
        List<byte[]> values = object.values();
        Optional<LedgerAnchor> newest = Optional.empty();
        for (byte[] v : values) {
            LedgerAnchor a = LedgerAnchor.decode(v).orElseThrow(() -> new EnvironmentException("the ledger anchor on "
                    + object.describe() + " is not one iotasign wrote (data object '" + LABEL + "'): nothing is signed; "
                    + "check what else writes data objects to this token"));
            newest = newest.filter(n -> n.count() >= a.count()).or(() -> Optional.of(a));
        }
        return newest;
    }

    @Override
    public void write(LedgerAnchor anchor) {
        object.replace(anchor.encode());
    }

    @Override
    public String describe() {
        return object.describe();
    }
}
