/**
 * The Fluent Forward protocol v1 input: {@link io.loglane.inputs.forward.ForwardInput} (lifecycle,
 * Netty server), {@link io.loglane.inputs.forward.ForwardKeys} (its {@code inputs[forward].*} keys:
 * bounds, defaults, docs), {@link io.loglane.inputs.forward.ForwardConfig} (validated settings),
 * {@link io.loglane.inputs.forward.ForwardDecoder} (stream framing, limits, error classes),
 * {@link io.loglane.inputs.forward.ForwardMessage} (one variant per mode) and the per-connection
 * handler that submits to {@link io.loglane.core.ingest.Ingest} and acks only once durable.
 * What real peers send is documented in {@code shared/FORWARD-PEERS.md}; every shape there has a test.
 *
 * <p>Security: {@link io.loglane.inputs.forward.ForwardTls} (TLS from PEM files, optional client
 * certificates) and {@link io.loglane.inputs.forward.ForwardHandshake} (the {@code shared_key}
 * HELO/PING/PONG handshake, optional users), configured by
 * {@link io.loglane.inputs.forward.ForwardSecurity}. Their wire rules, limits and the counter of
 * each refusal are in {@code HANDSHAKE.md} beside this file.
 */
package io.loglane.inputs.forward;
