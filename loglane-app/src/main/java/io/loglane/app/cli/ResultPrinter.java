package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints a SQL answer ({@code columns}, {@code rows}, {@code truncated}) as an aligned table, CSV or JSON. */
final class ResultPrinter {
    private ResultPrinter() {}

    static void print(JsonNode result, String format, PrintStream out) throws Exception {
        List<String> cols = new ArrayList<>();
        for (JsonNode c : result.get("columns")) {
            cols.add(c.isObject() ? c.get("name").asText() : c.asText());
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : result.get("rows")) {
            List<String> row = new ArrayList<>();
            for (JsonNode v : r) {
                row.add(v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
            }
            rows.add(row);
        }
        switch (format) {
            case "json" -> out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            case "csv" -> {
                out.println(String.join(",", cols.stream().map(ResultPrinter::csv).toList()));
                for (List<String> r : rows) {
                    out.println(String.join(",", r.stream().map(ResultPrinter::csv).toList()));
                }
            }
            default -> table(cols, rows, out);
        }
        if (!format.equals("json") && result.path("truncated").asBoolean(false)) {
            System.err.println("(truncated at " + result.path("rowLimit").asText("?") + " rows; add a LIMIT or aggregate)");
        }
        JsonNode pending = result.path("notYetQueryable");
        if (!format.equals("json") && pending.isObject() && !pending.isEmpty()) {
            System.err.println("(not yet in the archive: " + pending + " acknowledged events;"
                    + " the archive takes them within archive.flush_age; `./loglane sql --flush` makes them queryable now)");
        }
    }

    private static String csv(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    private static void table(List<String> cols, List<List<String>> rows, PrintStream out) {
        int[] w = new int[cols.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = cols.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.min(80, Math.max(w[i], r.get(i).length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        line(cols, w, sb);
        for (int i = 0; i < w.length; i++) {
            sb.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(r, w, sb);
        }
        out.print(sb);
        out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
    }

    private static void line(List<String> vals, int[] w, StringBuilder sb) {
        for (int i = 0; i < w.length; i++) {
            String v = vals.get(i).replace('\n', ' ');
            if (v.length() > w[i]) {
                v = v.substring(0, w[i] - 1) + "…";
            }
            sb.append(i == 0 ? "" : " | ").append(v).append(" ".repeat(w[i] - v.length()));
        }
        sb.append('\n');
    }
}
