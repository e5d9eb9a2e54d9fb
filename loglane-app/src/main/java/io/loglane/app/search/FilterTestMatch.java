package io.loglane.app.search;

import java.util.Map;

/**
 * One matching event of a filter test, in the shape of AWS's TestMetricFilter answer.
 *
 * @param eventNumber     1-based position of the event among those tested
 * @param eventMessage    the event as given
 * @param extractedValues {@code $name → text} of a space-delimited pattern's named fields; empty otherwise
 */
public record FilterTestMatch(int eventNumber, String eventMessage, Map<String, String> extractedValues) {}
