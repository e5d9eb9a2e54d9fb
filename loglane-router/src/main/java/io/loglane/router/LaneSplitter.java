package io.loglane.router;

import io.loglane.core.multiline.MultilineJoiner;
import io.loglane.core.multiline.MultilineRules;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.MessageView;
import io.loglane.core.parse.RecordParser;

/**
 * Splits a block into one block per lane, keeping the records' order within each lane. Each
 * record is copied verbatim but for what the lane's parser reads from its message
 * ({@link RecordFinisher}): its event time, and fields lifted from a JSON message (then the record
 * is re-encoded). Builders are reused across requests (per thread). A block whose records all go
 * to one lane is passed on as is when nothing changes, and as one copy with the new times patched
 * in when only times change ({@link RecordBlock#withTimes}): records are copied one by one only
 * when they go to several lanes or get fields lifted.
 *
 * <p>Fast paths that do not classify records: the tag names a lane and no record can hold a field
 * a field rule names ({@link LaneRules#mayHoldRuleField}); or there are no field and no content
 * rules and the tag names no lane (everything goes to {@code default}). Then the block is passed
 * on untouched when its lane's parser is {@code none}; else, while only times change, with the
 * times patched into one copy of the block ({@link RecordBlock#withTimes}), and only once a record
 * gets fields lifted, record by record through a builder.
 *
 * <p>First, when the request's input has {@code multiline:} rules, or else the lane the tag names
 * (else {@code default}) has, the lines of one event are joined into one record
 * ({@link MultilineJoiner}), so the joined event is what is classified and stored. Then, when the
 * input has a {@code parser:}, every record is read by it (time, lifted fields) before it is
 * classified, and a record it read is not read by its lane's parser ({@link InputReadings}).
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class LaneSplitter {
    private final LaneRules rules;
    private final Classifier classifier;
    private final RecordFinisher finisher;
    private final MultilineJoiner joiner = new MultilineJoiner();
    private final RecordBlockBuilder inputBuilder = new RecordBlockBuilder(16 * 1024);
    /** Per record of the block being split: true when its input's parser read it (its lane's then does not); reused. */
    private boolean[] readFlags = new boolean[256];
    /** {@link #readFlags} while the block being split was read by its input's parser; else null. */
    private boolean[] inputRead;
    private int joinedLines;
    private int truncatedEvents;
    /** Per lane, the records of the last split whose message its parser did not read. */
    private final int[] unread;
    private boolean anyUnread;
    private final RecordBlockBuilder[] builders;
    /** Per record of the block being split, its time in its lane, while nothing is copied yet. */
    private long[] times = new long[1024];
    private int retimeIndex;

    LaneSplitter(LaneRules rules) {
        this.rules = rules;
        MessageView message = new MessageView();
        this.classifier = new Classifier(rules, message);
        this.finisher = new RecordFinisher(message);
        this.builders = new RecordBlockBuilder[rules.laneCount()];
        this.unread = new int[rules.laneCount()];
    }

    /**
     * @param tagLane the lane the tag names, or -1
     * @return per lane index, its records, or null when it gets none
     * @throws IllegalArgumentException when the block's framing is broken
     */
    RecordBlock[] split(RecordBlock block, int tagLane) {
        return split(block, tagLane, null);
    }

    /**
     * @param tagLane the lane the tag names, or -1
     * @param reading how the request's input reads its records ({@link InputReadings}), or null
     * @return per lane index, its records, or null when it gets none
     * @throws IllegalArgumentException when the block's framing is broken
     */
    RecordBlock[] split(RecordBlock block, int tagLane, InputReadings.Reading reading) {
        RecordBlock[] parts = new RecordBlock[rules.laneCount()];
        MultilineRules multiline = reading != null && reading.multiline() != null ? reading.multiline()
                : rules.multiline(tagLane >= 0 ? tagLane : rules.defaultLane());
        joinedLines = 0;
        truncatedEvents = 0;
        inputRead = null;
        if (anyUnread) {
            java.util.Arrays.fill(unread, 0);
            anyUnread = false;
        }
        if (multiline != null) {
            block = joiner.join(block, multiline);
            joinedLines = joiner.joinedLines();
            truncatedEvents = joiner.truncatedEvents();
        }
        try {
            if (reading != null && reading.parser() != null) {
                block = readByInput(block, reading.parser(), reading.laneParser());
                return splitByRecord(block, tagLane, parts);
            }
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
            return splitByRecord(block, tagLane, parts);
        } finally {
            for (RecordBlockBuilder b : builders) {
                if (b != null) {
                    b.reset();
                }
            }
        }
    }

    /**
     * Classifies every record and reads it with its lane's parser. While every record so far goes
     * to one lane and none gets fields lifted, nothing is copied: only the records' times are noted,
     * and the block is passed on as is, or with its new times patched into one copy. The first
     * record of a second lane, or the first lifted one, switches to copying records into per-lane
     * builders (the records before it are replayed from the notes).
     */
    private RecordBlock[] splitByRecord(RecordBlock block, int tagLane, RecordBlock[] parts) {
        if (times.length < block.count()) {
            times = new long[block.count()];
        }
        int onlyLane = -1;
        boolean retimed = false;
        boolean building = false;
        int i = 0;
        RecordCursor c = block.cursor();
        while (c.next()) {
            int lane = classifier.classify(c.array(), c.recordOffset(), c.recordLength(), tagLane);
            RecordParser parser = inputRead != null && inputRead[i] ? null : rules.parser(lane);
            long ts = c.tsNanos();
            boolean lifted = false;
            if (parser != null) {
                finisher.read(c, parser, classifier, true);
                countUnread(lane);
                ts = finisher.tsNanos();
                lifted = finisher.lifted();
            }
            if (!building && (lifted || (onlyLane >= 0 && lane != onlyLane))) {
                building = true;
                RecordCursor r = block.cursor();
                for (int k = 0; k < i && r.next(); k++) {
                    builder(onlyLane).addEncoded(r, times[k]);
                }
            }
            if (building) {
                if (lifted) {
                    finisher.appendTo(c, builder(lane));
                } else {
                    builder(lane).addEncoded(c, ts);
                }
            } else {
                onlyLane = lane;
                times[i] = ts;
                retimed |= ts != c.tsNanos();
            }
            i++;
        }
        if (!building) {
            if (onlyLane >= 0) {
                retimeIndex = 0;
                parts[onlyLane] = retimed ? block.withTimes(r -> times[retimeIndex++]) : block; // as received: no copy
            }
            return parts;
        }
        for (int lane = 0; lane < builders.length; lane++) {
            if (builders[lane] != null && builders[lane].count() > 0) {
                parts[lane] = builders[lane].build();
            }
        }
        return parts;
    }

    /**
     * Every record of {@code block} read by its input's {@code parser} before it is classified: its
     * time and lifted fields applied ({@link RecordFinisher}). Notes which records the parser read
     * ({@link #inputRead}), so their lane's parser leaves them alone, unless {@code laneParserToo}.
     */
    private RecordBlock readByInput(RecordBlock block, RecordParser parser, boolean laneParserToo) {
        if (readFlags.length < block.count()) {
            readFlags = new boolean[block.count()];
        }
        inputBuilder.reset();
        boolean changed = false;
        int i = 0;
        RecordCursor c = block.cursor();
        while (c.next()) {
            finisher.read(c, parser, classifier, false, true);
            readFlags[i++] = !laneParserToo && finisher.matched();
            changed |= finisher.changed(c);
            finisher.appendTo(c, inputBuilder);
        }
        inputRead = readFlags;
        return changed ? inputBuilder.build() : block;
    }

    private void countUnread(int lane) {
        if (finisher.unread()) {
            unread[lane]++;
            anyUnread = true;
        }
    }

    /**
     * Per lane, the records of the last {@link #split} with a message their lane's parser did not
     * read (parse failures); null when there were none. A copy: the caller may keep it.
     */
    int[] unread() { return anyUnread ? unread.clone() : null; }

    /** Lines the last {@link #split} joined into an earlier record of their stream ({@link MultilineJoiner}). */
    int joinedLines() { return joinedLines; }

    /** Events the last {@link #split} cut at the multiline bound and marked truncated ({@link MultilineJoiner}). */
    int truncatedEvents() { return truncatedEvents; }

    /** Every record of {@code block} read by {@code lane}'s parser: times patched into one copy, unless fields are lifted. */
    private RecordBlock finishAll(RecordBlock block, int lane, RecordParser parser) {
        RecordBlock timed = block.withTimes(c -> {
            finisher.read(c, parser, classifier, false);
            countUnread(lane);
            return finisher.lifted() ? RecordBlock.Retimer.STOP : finisher.tsNanos();
        });
        if (timed != null) {
            return timed;
        }
        RecordBlockBuilder b = builder(lane);
        boolean changed = false;
        unread[lane] = 0; // the records read before the stop are read again below
        RecordCursor c = block.cursor();
        while (c.next()) {
            finisher.read(c, parser, classifier, false);
            countUnread(lane);
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
