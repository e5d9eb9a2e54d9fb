package io.loglane.router;

import io.loglane.core.event.RecordFields;

/**
 * Decides the lane of one record: field rules, then the tag's lane, then content rules, then
 * {@code default} (see {@link LaneRules}). One msgpack pass per record finds every key any rule
 * needs.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class Classifier {
    private final LaneRules rules;
    private final RecordFields fields = new RecordFields();
    private final ContentDetectors detectors = new ContentDetectors();
    private final int[] offs;
    private final int[] lens;
    private boolean messageKnown;
    private int messageOff;
    private int messageLen;

    Classifier(LaneRules rules) {
        this.rules = rules;
        this.offs = new int[rules.scanKeys().length];
        this.lens = new int[rules.scanKeys().length];
    }

    /**
     * @param tagLane the tag's lane, or -1
     * @return the lane index of the record {@code buf[off, off+len)} (a msgpack map)
     */
    int classify(byte[] buf, int off, int len, int tagLane) {
        boolean needContent = tagLane < 0 && !rules.contentRules().isEmpty();
        messageKnown = false;
        if (rules.fieldRules().isEmpty() && !needContent) {
            return tagLane >= 0 ? tagLane : rules.defaultLane();
        }
        fields.scan(buf, off, len, rules.scanKeys(), offs, lens);
        int msg = firstFound(rules.messageKeysAt(), rules.levelKeysAt());
        messageKnown = true;
        messageOff = msg < 0 ? -1 : offs[msg];
        messageLen = msg < 0 ? 0 : lens[msg];
        for (LaneRules.FieldRule r : rules.fieldRules()) {
            int vo = offs[r.keyIndex()];
            if (vo < 0) {
                continue;
            }
            for (byte[] v : r.values()) {
                if (AsciiBytes.equals(buf, vo, vo + lens[r.keyIndex()], v)) {
                    return r.lane();
                }
            }
        }
        if (tagLane >= 0) {
            return tagLane;
        }
        if (needContent) {
            int lvl = firstFound(rules.levelKeysAt(), offs.length);
            int lo = lvl < 0 ? -1 : offs[lvl];
            int ll = lvl < 0 ? 0 : lens[lvl];
            for (LaneRules.ContentRule r : rules.contentRules()) {
                if (detectors.matches(r.kind(), buf, messageOff, messageLen, lo, ll)) {
                    return r.lane();
                }
            }
        }
        return rules.defaultLane();
    }

    /**
     * True when the last {@link #classify} call looked the record's message up; then
     * {@link #messageOffset()} and {@link #messageLength()} locate it (offset -1: no message).
     */
    boolean messageKnown() { return messageKnown; }

    int messageOffset() { return messageOff; }

    int messageLength() { return messageLen; }

    private int firstFound(int from, int to) {
        for (int i = from; i < to; i++) {
            if (offs[i] >= 0) {
                return i;
            }
        }
        return -1;
    }
}
