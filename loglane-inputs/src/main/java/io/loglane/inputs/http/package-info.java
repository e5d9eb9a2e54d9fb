/**
 * Decoding of HTTP ingest bodies (NDJSON or a JSON array of objects) into record blocks. The HTTP
 * server itself lives in the app module.
 */
package io.loglane.inputs.http;
