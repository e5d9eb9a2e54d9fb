/**
 * {@code type: tail}: files read as they grow, through rotation, with crash-safe read positions.
 * {@link io.loglane.inputs.tail.LineReader} is the line source Docker and CRI inputs reuse;
 * FORMAT.md beside these classes describes the positions file, the chunk ids and their limits.
 */
package io.loglane.inputs.tail;
