package io.tlsrpt.connect.dkim;

import java.util.List;

/** Where public keys come from: the TXT records at a name, each joined from its strings. */
interface DkimKeys {

    /**
     * @return the TXT records at {@code name} (empty: the name or its TXT records do not exist)
     * @throws DkimException (temperror) when the answer cannot be had now
     */
    List<String> txt(String name) throws DkimException;
}
