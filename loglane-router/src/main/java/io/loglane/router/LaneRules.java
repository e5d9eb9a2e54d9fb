package io.loglane.router;

import io.loglane.core.multiline.MultilineRules;
import io.loglane.core.event.AsciiBytes;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.MatchRule;
import io.loglane.core.event.EventFields;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing rules of every lane, compiled for the hot path. Lanes are numbered in declaration
 * order. Rules are grouped by kind, as {@link MatchRule} specifies: field rules (in lane order),
 * then the tag suffix, then content rules (in lane order), then the {@code default} lane.
 *
 * <p>The record keys the classifier looks up in one pass ({@link #scanKeys()}) are: every field a
 * field rule names, then {@link EventFields#MESSAGE_KEYS}, then {@link EventFields#LEVEL_KEYS}.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class LaneRules {
    /** A field rule: the key's index in {@link #scanKeys()} and the accepted values as UTF-8. */
    record FieldRule(int keyIndex, byte[][] values, int lane) {}

    /** A content rule and the lane it sends to. */
    record ContentRule(MatchRule.ContentKind kind, int lane) {}

    private final String[] names;
    private final int defaultLane;
    private final List<FieldRule> fieldRules = new ArrayList<>();
    private final List<ContentRule> contentRules = new ArrayList<>();
    private final Map<String, Integer> tagSuffixes = new HashMap<>();
    private final byte[][] scanKeys;
    private final int messageKeysAt;
    private final int levelKeysAt;
    /** Field names as raw bytes, to test cheaply whether a block could contain one. */
    private final byte[][] fieldNames;
    /** Per lane, its parser; null for {@code none}, whose records pass unread. */
    private final RecordParser[] parsers;
    /** Per lane, its multiline rules; null when it joins nothing. */
    private final MultilineRules[] multiline;

    LaneRules(LoglaneConfig config) {
        names = config.lanes().keySet().toArray(String[]::new);
        int dflt = -1;
        List<String> fields = new ArrayList<>();
        parsers = new RecordParser[names.length];
        multiline = new MultilineRules[names.length];
        for (int lane = 0; lane < names.length; lane++) {
            LaneSpec spec = config.lane(names[lane]);
            parsers[lane] = spec.parser().isNone() ? null : Parsers.build(spec.parser());
            multiline[lane] = spec.multiline().isNone() ? null : new MultilineRules(spec.multiline());
            if (names[lane].equals(LoglaneConfig.DEFAULT_LANE)) {
                dflt = lane;
            }
            for (MatchRule rule : spec.match()) {
                switch (rule) {
                    case MatchRule.Field f -> {
                        int idx = fields.indexOf(f.field());
                        if (idx < 0) {
                            idx = fields.size();
                            fields.add(f.field());
                        }
                        byte[][] values = f.values().stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
                        fieldRules.add(new FieldRule(idx, values, lane));
                    }
                    case MatchRule.TagSuffix t -> {
                        for (String s : t.suffixes()) {
                            tagSuffixes.putIfAbsent(s, lane); // the first lane declared wins
                        }
                    }
                    case MatchRule.Content c -> contentRules.add(new ContentRule(c.kind(), lane));
                }
            }
        }
        defaultLane = dflt;
        List<String> keys = new ArrayList<>(fields);
        messageKeysAt = keys.size();
        keys.addAll(EventFields.MESSAGE_KEYS);
        levelKeysAt = keys.size();
        keys.addAll(EventFields.LEVEL_KEYS);
        scanKeys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        fieldNames = fields.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    int laneCount() { return names.length; }

    String name(int lane) { return names[lane]; }

    int defaultLane() { return defaultLane; }

    /**
     * The lane's parser, whose routing-time reading ({@link RecordParser#eventTime}) applies to
     * every record sent to the lane; null when the lane's parser is {@code none}.
     */
    RecordParser parser(int lane) { return parsers[lane]; }

    /**
     * The multiline rules that join the records of a request whose tag names {@code lane} (or, for
     * the default lane, names none) before they are classified; null when the lane has none.
     */
    MultilineRules multiline(int lane) { return multiline[lane]; }

    List<FieldRule> fieldRules() { return fieldRules; }

    List<ContentRule> contentRules() { return contentRules; }

    byte[][] scanKeys() { return scanKeys; }

    /** Index in {@link #scanKeys()} of the first message key; the next ones follow in preference order. */
    int messageKeysAt() { return messageKeysAt; }

    int levelKeysAt() { return levelKeysAt; }

    /** The lane the tag's last dot-separated part names, or -1. */
    int laneForTag(String tag) {
        if (tagSuffixes.isEmpty()) {
            return -1;
        }
        int dot = tag.lastIndexOf('.');
        Integer lane = tagSuffixes.get(dot < 0 ? tag : tag.substring(dot + 1));
        return lane == null ? -1 : lane;
    }

    /**
     * True when some record in {@code buf[off, off+len)} might carry a field a field rule names:
     * the name's bytes occur somewhere in the block. False means no record can match a field rule,
     * so the records need not be decoded when the tag alone decides (a key is stored as its UTF-8
     * bytes after a header, whatever header size the sender chose).
     */
    boolean mayHoldRuleField(byte[] buf, int off, int len) {
        for (byte[] name : fieldNames) {
            if (AsciiBytes.indexOf(buf, off, off + len, name) >= 0) {
                return true;
            }
        }
        return false;
    }
}
