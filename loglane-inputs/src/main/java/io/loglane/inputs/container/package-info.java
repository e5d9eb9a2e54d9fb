/**
 * {@code type: docker} and {@code type: cri}: the stdout and stderr files of containers, as Docker's
 * {@code json-file} driver and Kubernetes' CRI runtimes (containerd, CRI-O) write them. Both are a
 * {@link io.loglane.inputs.tail.TailInput} (its read positions, rotation and retries) with a
 * {@link io.loglane.inputs.tail.LineFormat} that decodes each line and adds the container's metadata.
 */
package io.loglane.inputs.container;
