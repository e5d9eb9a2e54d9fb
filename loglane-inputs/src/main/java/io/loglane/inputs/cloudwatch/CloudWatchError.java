package io.loglane.inputs.cloudwatch;

/**
 * A CloudWatch Logs API error as AWS answers it: HTTP status and {@code {"__type": type, "message": message}},
 * which the AWS SDKs turn into the exception class of that name ({@code ResourceNotFoundException}, …).
 * Thrown while a request is checked; never carries events.
 */
final class CloudWatchError extends Exception {
    static final String INVALID_PARAMETER = "InvalidParameterException";
    static final String RESOURCE_NOT_FOUND = "ResourceNotFoundException";
    static final String RESOURCE_ALREADY_EXISTS = "ResourceAlreadyExistsException";
    static final String LIMIT_EXCEEDED = "LimitExceededException";
    static final String UNKNOWN_OPERATION = "UnknownOperationException";
    static final String SERIALIZATION = "SerializationException";
    static final String SERVICE_UNAVAILABLE = "ServiceUnavailableException";
    static final String THROTTLING = "ThrottlingException";

    private final int status;
    private final String type;
    private final CloudWatchRefusal refusal;

    CloudWatchError(CloudWatchRefusal refusal, String type, String message) {
        super(message, null, false, false);
        this.status = refusal.status();
        this.type = type;
        this.refusal = refusal;
    }

    int status() { return status; }

    /** The {@code __type}: the AWS exception's name. */
    String type() { return type; }

    /** How the refusal is counted. */
    CloudWatchRefusal refusal() { return refusal; }

    static CloudWatchError invalid(String message) {
        return new CloudWatchError(CloudWatchRefusal.INVALID_PARAMETER, INVALID_PARAMETER, message);
    }
}
