package io.loglane.router;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.MessageView;
import io.loglane.core.parse.RecordParser;

/**
 * Splits a block into one block per lane, keeping the records' order within each lane. Each
 * record is copied verbatim but for what the lane's parser reads from its message
 * ({@link RecordFinisher}): its event time, and fields lifted from a JSON message (then the record
 * is re-encoded). Builders are reused across requests (per thread), and a block whose records all
 * go to one lane unchanged is passed on as is, without a copy.
 *
 * <p>Fast paths that do not classify records: the tag names a lane and no record can hold a field
 * a field rule names ({@link LaneRules#mayHoldRuleField}); or there are no field and no content
 * rules and the tag names no lane (everything goes to {@code default}). Then the block is passed
 * on untouched when its lane's parser is {@code none}; else, while only times change, with the
 * times patched into one copy of the block ({@link RecordBlock#withTimes}), and only once a record
 * gets fields lifted, record by record through a builder.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class LaneSplitter {
    private final LaneRules rules;
    private final Classifier classifier;
    private final RecordFinisher finisher;
    private final RecordBlockBuilder[] builders;

    LaneSplitter(LaneRules rules) {
        this.rules = rules;
        MessageView message = new MessageView();
        this.classifier = new Classifier(rules, message);
        this.finisher = new RecordFinisher(message);
        this.builders = new RecordBlockBuilder[rules.laneCount()];
    }

    /**
     * @param tagLane the lane the tag names, or -1
     * @return per lane index, its records, or null when it gets none
     * @throws IllegalArgumentException when the block's framing is broken
     */
    RecordBlock[] split(RecordBlock block, int tagLane) {
        RecordBlock[] parts = new RecordBlock[rules.laneCount()];
        try {
            // The block-wide search for rule field names only pays when its answer can skip
            // per-record classification: with no tag lane and content rules, every record is
            // classified anyway (and the classifier finds the fields in the same pass).
            boolean scanPays = tagLane >= 0 || rules.contentRules().isEmpty();
            if (scanPays && (rules.fieldRules().isEmpty()
                    || !rules.mayHoldRuleField(block.array(), block.offset(), block.length()))) {
                int lane = tagLane >= 0 ? tagLane : rules.defaultLane();
                RecordParser parser = rules.parser(lane);
                parts[lane] = parser == null ? block : finishAll(block, lane, parser);
                return parts;
            }
            int onlyLane = -1;
            boolean single = true;
            boolean changed = false;
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
                    finisher.read(c, parser, classifier, true);
                    changed |= finisher.changed(c);
                    finisher.appendTo(c, builder(lane));
                }
            }
            if (single && onlyLane >= 0 && !changed) {
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

    /** Every record of {@code block} read by {@code lane}'s parser: times patched into one copy, unless fields are lifted. */
    private RecordBlock finishAll(RecordBlock block, int lane, RecordParser parser) {
        RecordBlock timed = block.withTimes(c -> {
            finisher.read(c, parser, classifier, false);
            return finisher.lifted() ? RecordBlock.Retimer.STOP : finisher.tsNanos();
        });
        if (timed != null) {
            return timed;
        }
        RecordBlockBuilder b = builder(lane);
        boolean changed = false;
        RecordCursor c = block.cursor();
        while (c.next()) {
            finisher.read(c, parser, classifier, false);
            changed |= finisher.changed(c);
            finisher.appendTo(c, b);
        }
        return changed ? b.build() : block;
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
