/**
 * The CloudWatch Logs API input ({@code type: cloudwatch}): {@link io.loglane.inputs.cloudwatch.CloudWatchInput}
 * with its handler of {@code POST /} ({@code X-Amz-Target: Logs_20140328.*}), the request rules of
 * {@code PutLogEvents}, and the persisted log groups and streams. The node's one HTTP server (the
 * app module) registers the handler; this package owns everything the input does.
 */
package io.loglane.inputs.cloudwatch;
