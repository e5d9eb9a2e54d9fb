package io.loglane.router;

import io.loglane.core.event.AsciiBytes;
import io.loglane.core.event.RecordFields;
import io.loglane.core.parse.JsonMessage;
import io.loglane.core.parse.MessageView;

/**
 * Decides the lane of one record: field rules, then the tag's lane, then content rules, then
 * {@code default} (see {@link LaneRules}). One msgpack pass per record finds every key any rule
 * needs.
 *
 * <p>Routing always looks inside a message that holds a JSON object ({@link JsonMessage}),
 * whatever lane the record is bound for: when the record itself lacks a field a field rule names
 * or, for content rules, a level field, the object's field of that name counts (the record's own
 * field wins when both have one, as when the fields are lifted). The object is decoded only for
 * such records, and only once: the {@link MessageView} keeps it for the lane's parser.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class Classifier {
    private final LaneRules rules;
    private final MessageView message;
    private final RecordFields fields = new RecordFields();
    private final RecordFields innerFields = new RecordFields();
    private final ContentDetectors detectors = new ContentDetectors();
    private final int[] offs;
    private final int[] lens;
    private final int[] innerOffs;
    private final int[] innerLens;
    private boolean messageKnown;

    /** @param message the view this classifier points at each classified record's message (shared with the lane's parser) */
    Classifier(LaneRules rules, MessageView message) {
        this.rules = rules;
        this.message = message;
        int keys = rules.scanKeys().length;
        this.offs = new int[keys];
        this.lens = new int[keys];
        this.innerOffs = new int[keys];
        this.innerLens = new int[keys];
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
        int msg = firstFound(offs, rules.messageKeysAt(), rules.levelKeysAt());
        messageKnown = true;
        if (msg < 0) {
            message.clear();
        } else {
            message.set(buf, offs[msg], lens[msg]);
        }
        int lvl = firstFound(offs, rules.levelKeysAt(), offs.length);
        JsonMessage inner = needsInner(needContent && lvl < 0) ? message.json() : null;
        if (inner != null) {
            innerFields.scan(inner.fieldsArray(), 0, inner.fieldsLength(), rules.scanKeys(), innerOffs, innerLens);
        }
        for (LaneRules.FieldRule r : rules.fieldRules()) {
            int k = r.keyIndex();
            boolean own = offs[k] >= 0;
            if (!own && (inner == null || innerOffs[k] < 0)) {
                continue;
            }
            byte[] b = own ? buf : inner.fieldsArray();
            int vo = own ? offs[k] : innerOffs[k];
            int vl = own ? lens[k] : innerLens[k];
            for (byte[] v : r.values()) {
                if (AsciiBytes.equals(b, vo, vo + vl, v)) {
                    return r.lane();
                }
            }
        }
        if (tagLane >= 0) {
            return tagLane;
        }
        if (needContent) {
            byte[] lb = buf;
            int lo = lvl < 0 ? -1 : offs[lvl];
            int ll = lvl < 0 ? 0 : lens[lvl];
            int innerLvl = lvl < 0 && inner != null ? firstFound(innerOffs, rules.levelKeysAt(), innerOffs.length) : -1;
            if (innerLvl >= 0) {
                lb = inner.fieldsArray();
                lo = innerOffs[innerLvl];
                ll = innerLens[innerLvl];
            }
            for (LaneRules.ContentRule r : rules.contentRules()) {
                if (detectors.matches(r.kind(), buf, message.offset(), message.length(), lb, lo, ll)) {
                    return r.lane();
                }
            }
        }
        return rules.defaultLane();
    }

    /** Whether the record lacks what a rule could find in its message's JSON object: a field rule's field, or the level. */
    private boolean needsInner(boolean levelMissing) {
        if (!message.present()) {
            return false;
        }
        boolean missing = levelMissing;
        for (LaneRules.FieldRule r : rules.fieldRules()) {
            missing |= offs[r.keyIndex()] < 0;
        }
        return missing;
    }

    /**
     * True when the last {@link #classify} call looked the record's message up; then the view
     * passed to the constructor holds it (or is clear: no message).
     */
    boolean messageKnown() { return messageKnown; }

    private static int firstFound(int[] offsets, int from, int to) {
        for (int i = from; i < to; i++) {
            if (offsets[i] >= 0) {
                return i;
            }
        }
        return -1;
    }
}
