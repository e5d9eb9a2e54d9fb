package io.loglane.core.config;

import java.nio.file.Path;

/**
 * TLS of the HTTP port ({@code server.tls}): a certificate chain and its private key as PEM files,
 * checked when the configuration is loaded ({@link io.loglane.core.tls.PemKeyStore}).
 *
 * @param cert PEM file with the server certificate first, then any intermediates
 * @param key  PEM file with the unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY})
 */
public record TlsSettings(Path cert, Path key) {}
