package dht.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;

/**
 * Protected mode's rule as an authentication: a caller without a credential whose connection comes
 * from loopback is a cluster member, so that every check of membership (access, health details,
 * who may set hop counts, which traffic budget a request takes) asks one question: the role.
 */
final class LoopbackMembers extends OncePerRequestFilter {

    static final String PRINCIPAL = "loopback";

    private static final List<GrantedAuthority> MEMBER = AuthorityUtils.createAuthorityList(ClusterSecurity.MEMBER_AUTHORITY);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication current = SecurityContextHolder.getContext().getAuthentication();
        if (current == null && SocketPeer.isLoopback(request)) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(PRINCIPAL, null, MEMBER));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }
}
