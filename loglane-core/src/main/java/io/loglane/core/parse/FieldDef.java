package io.loglane.core.parse;

/** A typed field a parser produces: a column of the lane's archive table. */
public record FieldDef(String name, FieldType type) {}
