package dht.client;

/**
 * Told of the answer that each call on one key ends with ({@code get}, {@code put}, {@code delete}
 * and their conditional forms, also a key a batch left to a call of its own): who served it and the
 * HTTP status, a {@code 404} for an absent key and a refusal included; on the calling thread, before
 * the call returns or throws. For tools that show how a request went; see
 * {@link DhtClient.Builder#answerListener}.
 */
@FunctionalInterface
public interface AnswerListener {

    void answered(ServedBy servedBy, int status);
}
