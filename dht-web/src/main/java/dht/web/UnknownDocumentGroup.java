package dht.web;

import org.springdoc.api.OpenApiResourceNotFoundException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * {@code /v3/api-docs/{group}} for a group the app does not have: a {@code 404} problem, not the
 * {@code 500} springdoc's exception would become. Ahead of the apps' own handlers, whose catch-all
 * would otherwise take it.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnknownDocumentGroup {

    @ExceptionHandler
    ProblemDetail unknownGroup(OpenApiResourceNotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No OpenAPI document of that group; "
                + "the groups are " + ApiDocumentation.CLIENT_GROUP + " and " + ApiDocumentation.INTERNAL_GROUP + ".");
        problem.setTitle("No such group");
        return problem;
    }
}
