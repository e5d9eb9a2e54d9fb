/**
 * The HTTP ingest input ({@code type: http}): {@link io.loglane.inputs.http.HttpInput} with its
 * route handler ({@code POST /api/v1/ingest/{tag}}), its refusals and meters, and the body decoders
 * chosen by Content-Type: NDJSON or a JSON array of objects, and {@code text/plain} raw lines (made
 * records by the file tail's line path), into record blocks. The node's one HTTP server (the app
 * module) registers the handler; this package owns everything the input does.
 */
package io.loglane.inputs.http;
