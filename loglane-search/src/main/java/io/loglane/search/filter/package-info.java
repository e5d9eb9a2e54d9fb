/**
 * CloudWatch Logs filter patterns: parser ({@link io.loglane.search.filter.FilterPattern},
 * {@link io.loglane.search.filter.PatternNode}) and matcher
 * ({@link io.loglane.search.filter.FilterMatcher}). The rules are those of
 * {@code shared/FILTER-PATTERNS.md}, with its sources; this page states what loglane does,
 * marking rules that are derived or choices where AWS's documentation is ambiguous.
 *
 * <h2>Kinds and limits</h2>
 * The first character that is not whitespace picks the kind: <code>&#123;</code> JSON, {@code [}
 * space-delimited, {@code %} regex, anything else terms (derived). The empty pattern, a blank one
 * and the pattern {@code " "} match every event. At most 1024 characters. Everything is case
 * sensitive.
 *
 * <h2>What is matched</h2>
 * Records are read through {@link io.loglane.core.event.RecordView}, the mapping every store uses.
 * Terms, standalone regexes and space-delimited patterns read the record's <em>message</em> (the
 * first of {@code log}, {@code message}, {@code msg} holding a string); a record without one reads
 * as the empty text. A raw line given on its own (filter-test) is the record
 * {@code {"log": line}} with a JSON object's fields lifted as the {@code json} parser lifts them.
 *
 * <h2>Terms</h2>
 * A term matches a case-sensitive substring of the message, with no word boundary (S4:
 * {@code ERROR} matches {@code ERRORCODE}); several terms must all occur, in any order.
 * {@code "…"} is an exact phrase ({@code \"} and {@code \\} escape inside it). Unquoted terms hold
 * only ASCII letters, digits and {@code _} (choice: a non-ASCII letter must be quoted, as for JSON
 * values); anything else is refused with {@code Invalid character(s) in term '…'} naming the run of
 * bad characters and its index. {@code -term} excludes; an exclusions-only pattern matches every
 * event lacking them. {@code ?term}s match when any one occurs, but are ignored when the pattern
 * also has plain <em>or excluded</em> terms (ambiguity 3: {@code ?ERROR -WARN} is {@code -WARN}, as
 * the rule is written). {@code " "} matches everything only as the whole pattern; beside other
 * terms it is a literal one-space phrase (choice).
 *
 * <h2>Regular expressions</h2>
 * {@code %regex%}, the whole pattern or a JSON / space-delimited value, is checked against AWS's
 * subset (see {@code RegexSyntax}: no {@code ( )}, no other symbols, no multi-byte characters;
 * the space and {@code :} are allowed, ambiguity 7) and runs on RE2/J in linear time. Matching is a
 * search, so {@code %127\.0\.0\.[1-9]%} also matches {@code 127.0.0.10} and {@code %a{3,5}%}
 * six {@code a}s (ambiguity 2: the documentation's "only" claims do not hold for a search);
 * {@code ^}/{@code $} anchor at the start/end of the message, or of the value.
 *
 * <h2>JSON patterns</h2>
 * The JSON event of a record is its row as every store holds it ({@code JsonEvent}): the lane's
 * typed fields (an access line's {@code $.status}), the {@code attrs} fields by their keys, nested
 * values kept (in a {@code json}-parser lane these include a JSON message's fields, so an
 * application's {@code $.message} is its own), and the columns {@code message}, {@code host},
 * {@code container_id}, {@code container_name}, {@code source} under those names where no field
 * of that name comes first. Only a record with fields of its own (an {@code attrs} field or a typed value)
 * is a JSON event; a plain line is not, and no JSON pattern matches it, {@code NOT EXISTS} included
 * (derived). JSON after a text prefix is not a JSON event (ambiguity 4). Conditions follow
 * {@code ConditionCheck} (ambiguity 5): {@code !=} on a missing property is false; {@code = *}
 * is false on null; {@code IS TRUE} holds for the boolean only; a number literal compares
 * numerically with numbers and with strings that are numbers ({@code "400"}). A wildcard selector
 * holds when any value it reaches satisfies the condition. Unquoted values may hold letters,
 * digits and {@code _ - . * : / +} (ambiguity 6).
 *
 * <h2>Space-delimited patterns</h2>
 * {@code [ip, user, ..., status = 4*, bytes > 1000]} matches the message's fields in order
 * ({@code MessageFields}: whitespace runs separate, ambiguity 10; {@code "…"} and {@code […]} are
 * one field without their quotes or brackets). Without {@code ...} the field count must equal the
 * slot count (ambiguity 1: S4's explicit rule, so {@code [w1=ERROR, w2]} does not match
 * {@code ERROR WARN message}; add {@code ...} for "and the rest"). Conditions as in JSON patterns;
 * {@code &&}/{@code ||} join conditions on the slot's own field only (ambiguity 9: a condition on
 * another field inside a slot is refused). A field that is not a number fails {@code < > <= >=}.
 */
package io.loglane.search.filter;
