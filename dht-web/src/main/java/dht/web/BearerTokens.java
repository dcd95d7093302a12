package dht.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The credentials an app accepts as {@code Authorization: Bearer <token>}, each granting roles: the
 * cluster token, and API keys. Tokens are compared by their SHA-256 in constant time, and never
 * logged or echoed.
 */
public final class BearerTokens implements AuthenticationManager {

    private static final String BEARER = "Bearer ";

    private final List<Grant> grants = new ArrayList<>();

    /** {@code token} grants {@code roles} to a caller then known as {@code name}; a blank token grants nothing. */
    public BearerTokens grant(String name, String token, String... roles) {
        if (token != null && !token.isBlank()) {
            grants.add(new Grant(name, digest(token), AuthorityUtils.createAuthorityList(prefixed(roles))));
        }
        return this;
    }

    public boolean isEmpty() {
        return grants.isEmpty();
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        byte[] presented = digest((String) authentication.getCredentials());
        Grant match = null;
        for (Grant grant : grants) {
            // every grant is compared, so that the time taken does not tell which one matched
            if (MessageDigest.isEqual(grant.digest(), presented) && match == null) {
                match = grant;
            }
        }
        if (match == null) {
            throw new BadCredentialsException("unknown bearer token");
        }
        return new Token(match.name(), null, match.authorities());
    }

    /**
     * A filter that authenticates a request carrying a bearer token and lets one without through
     * (as anonymous); a wrong token is answered {@code 401} by {@code problems}.
     */
    public AuthenticationFilter filter(ProblemResponses problems) {
        AuthenticationFilter filter = new AuthenticationFilter(this, BearerTokens::presented);
        filter.setFailureHandler(new AuthenticationEntryPointFailureHandler(problems));
        filter.setSuccessHandler((request, response, authentication) -> {
        });
        return filter;
    }

    private static Authentication presented(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return new Token("unauthenticated", header.substring(BEARER.length()).trim(), List.of());
    }

    private static String[] prefixed(String... roles) {
        String[] authorities = new String[roles.length];
        for (int i = 0; i < roles.length; i++) {
            authorities[i] = "ROLE_" + roles[i];
        }
        return authorities;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Grant(String name, byte[] digest, Collection<GrantedAuthority> authorities) {
    }

    /** A presented token (not yet authenticated), or the roles it was found to grant (then without the token). */
    private static final class Token extends AbstractAuthenticationToken {

        private final String name;
        private final String token;

        Token(String name, String token, Collection<? extends GrantedAuthority> authorities) {
            super(authorities);
            this.name = name;
            this.token = token;
            setAuthenticated(token == null);
        }

        @Override
        public Object getCredentials() {
            return token;
        }

        @Override
        public Object getPrincipal() {
            return name;
        }
    }
}
