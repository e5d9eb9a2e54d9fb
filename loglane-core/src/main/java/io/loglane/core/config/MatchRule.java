package io.loglane.core.config;

import java.util.Set;

/**
 * A routing rule. The router evaluates rules by kind, not by lane order, so the precedence of the
 * design holds whatever order lanes are declared in: every {@link Field} rule first (explicit
 * {@code log_type}), then every {@link TagSuffix}, then every {@link Content} rule, and an event no
 * rule claims goes to the {@code default} lane. Within one kind, the first lane declared wins.
 */
public sealed interface MatchRule {
    /** A record field (top-level key) whose string value is one of {@code values}. */
    record Field(String field, Set<String> values) implements MatchRule {
        public Field { values = Set.copyOf(values); }
    }

    /** The last dot-separated part of the tag is one of {@code suffixes} ({@code app.access}). */
    record TagSuffix(Set<String> suffixes) implements MatchRule {
        public TagSuffix { suffixes = Set.copyOf(suffixes); }
    }

    /** The record's content is recognised by a named detector. */
    record Content(ContentKind kind) implements MatchRule {}

    /** Content detectors the router knows. */
    enum ContentKind {
        /** an nginx/apache combined (or common) access log line in {@code log}/{@code message} */
        ACCESS_LINE,
        /** a level field or prefix of error/fatal/critical/panic */
        ERROR_LEVEL,
        /** a multi-line stack trace (Java, Python, Go, Node, .NET) */
        STACK_TRACE,
        /** an audit record: Linux auditd, a Kubernetes audit event, an {@code AUDIT} level word */
        AUDIT_MARKER
    }
}
