package io.loglane.router;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.RecordParser;

/**
 * Splits a block into one block per lane, keeping the records' order within each lane and
 * copying each encoded record verbatim but for its event time, which the lane's parser may read
 * from the message ({@link RecordFinisher}). Builders are reused across requests (per thread), and
 * a block whose records all go to one lane with their times unchanged is passed on as is, without
 * a copy.
 *
 * <p>Fast paths that do not classify records: the tag names a lane and no record can hold a field
 * a field rule names ({@link LaneRules#mayHoldRuleField}); or there are no field and no content
 * rules and the tag names no lane (everything goes to {@code default}). Then the block is passed
 * on untouched when its lane's parser is {@code none}, else with the times its parser reads
 * patched into a copy ({@link RecordBlock#withTimes}).
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class LaneSplitter {
    private final LaneRules rules;
    private final Classifier classifier;
    private final RecordFinisher finisher = new RecordFinisher();
    private final RecordBlockBuilder[] builders;

    LaneSplitter(LaneRules rules) {
        this.rules = rules;
        this.classifier = new Classifier(rules);
        this.builders = new RecordBlockBuilder[rules.laneCount()];
    }

    /**
     * @param tagLane the lane the tag names, or -1
     * @return per lane index, its records, or null when it gets none
     * @throws IllegalArgumentException when the block's framing is broken
     */
    RecordBlock[] split(RecordBlock block, int tagLane) {
        RecordBlock[] parts = new RecordBlock[rules.laneCount()];
        // The block-wide search for rule field names only pays when its answer can skip
        // per-record classification: with no tag lane and content rules, every record is
        // classified anyway (and the classifier finds the fields in the same pass).
        boolean scanPays = tagLane >= 0 || rules.contentRules().isEmpty();
        if (scanPays && (rules.fieldRules().isEmpty()
                || !rules.mayHoldRuleField(block.array(), block.offset(), block.length()))) {
            int lane = tagLane >= 0 ? tagLane : rules.defaultLane();
            RecordParser parser = rules.parser(lane);
            parts[lane] = parser == null ? block : block.withTimes(c -> finisher.eventTime(c, parser, classifier, false));
            return parts;
        }
        int onlyLane = -1;
        boolean single = true;
        boolean retimed = false;
        try {
            RecordCursor c = block.cursor();
            while (c.next()) {
                int lane = classifier.classify(c.array(), c.recordOffset(), c.recordLength(), tagLane);
                if (onlyLane < 0) {
                    onlyLane = lane;
                } else if (lane != onlyLane) {
                    single = false;
                }
                RecordParser parser = rules.parser(lane);
                if (parser == null) {
                    builder(lane).addEncoded(c);
                } else {
                    long ts = finisher.eventTime(c, parser, classifier, true);
                    retimed |= ts != c.tsNanos();
                    builder(lane).addEncoded(c, ts);
                }
            }
            if (single && onlyLane >= 0 && !retimed) {
                parts[onlyLane] = block; // the block as received: no copy
            } else {
                for (int lane = 0; lane < builders.length; lane++) {
                    if (builders[lane] != null && builders[lane].count() > 0) {
                        parts[lane] = builders[lane].build();
                    }
                }
            }
            return parts;
        } finally {
            for (RecordBlockBuilder b : builders) {
                if (b != null) {
                    b.reset();
                }
            }
        }
    }

    private RecordBlockBuilder builder(int lane) {
        RecordBlockBuilder b = builders[lane];
        if (b == null) {
            b = new RecordBlockBuilder(16 * 1024);
            builders[lane] = b;
        }
        return b;
    }
}
