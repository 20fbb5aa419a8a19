package io.quckchat.router.ingress;

/** A request refused with a {@link Problem}; carries no stack trace (it is an answer, not a bug). */
public final class ProblemException extends Exception {

    final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.code(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
