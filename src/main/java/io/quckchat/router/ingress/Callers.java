package io.quckchat.router.ingress;

import io.quckchat.router.config.RouterProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ingress callers from {@code quckchat.ingress.tokens}. A presented token is compared with
 * every configured one, by SHA-256 digest and {@link MessageDigest#isEqual}, without stopping at
 * a match: how long the check takes says nothing about which token, or how much of one, matched.
 */
class Callers {

    private record Entry(byte[] digest, Caller caller) {}

    private final List<Entry> entries;
    private final boolean allowAnonymous;

    Callers(RouterProperties.Ingress settings) {
        this.entries = settings.tokens().stream()
                .map(t -> new Entry(digest(t.token()), new Caller(t.name(), Set.copyOf(t.topics()))))
                .toList();
        this.allowAnonymous = settings.allowAnonymous();
    }

    /** The caller a bearer token belongs to, if any. */
    Optional<Caller> byToken(String token) {
        byte[] presented = digest(token);
        Caller found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                found = entry.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The caller of a request without a token: only when anonymous access is configured. */
    Optional<Caller> anonymous() {
        return allowAnonymous ? Optional.of(new Caller(Caller.ANONYMOUS, Set.of(Caller.ALL_TOPICS))) : Optional.empty();
    }

    int size() {
        return entries.size();
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
