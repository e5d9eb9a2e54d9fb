/**
 * The OTLP/HTTP logs input ({@code type: otlp}): {@link io.loglane.inputs.otlp.OtlpInput} with its
 * handler of {@code POST /v1/logs} (protobuf and JSON bodies, gzip), and the mapping of OTLP log
 * records to loglane records. The node's one HTTP server (the app module) registers the handler;
 * this package owns everything the input does.
 */
package io.loglane.inputs.otlp;
