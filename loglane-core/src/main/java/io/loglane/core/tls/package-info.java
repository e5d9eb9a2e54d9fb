/** TLS material from PEM files, shared by every listener that speaks TLS. */
package io.loglane.core.tls;
