package dht.node.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.ErrorResponseException;

/**
 * Who may write keys, as the filter chain asks of {@code PUT} and {@code DELETE /keys/{key}}: also
 * asked of a batch ({@code POST /keys/batch}), which the chain lets through to whoever may read,
 * since only its body says whether it writes.
 */
public final class KeyWriteAccess {

    private final AuthorizationManager<RequestAuthorizationContext> rule;

    KeyWriteAccess(AuthorizationManager<RequestAuthorizationContext> rule) {
        this.rule = rule;
    }

    AuthorizationManager<RequestAuthorizationContext> rule() {
        return rule;
    }

    /** Refuses the request ({@code 403}, as the filter chain would) unless its caller may write keys. */
    public void require(HttpServletRequest request) {
        AuthorizationResult result = rule.authorize(SecurityContextHolder.getContext()::getAuthentication,
                new RequestAuthorizationContext(request));
        if (result != null && !result.isGranted()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                    "The credential does not allow this request: writing keys needs a read-write API key.");
            problem.setTitle("Forbidden");
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, problem, null);
        }
    }
}
