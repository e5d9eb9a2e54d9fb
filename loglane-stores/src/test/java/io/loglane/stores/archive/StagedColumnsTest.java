package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.stores.duckdb.DuckDbDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedColumnsTest {
    @TempDir
    Path dir;

    /** The staged layout, read back by the table function, yields exactly the archive's columns, names and types. */
    @Test
    void stagedRowsSelectYieldsTheArchiveSchema() throws Exception {
        List<FieldDef> typed = ArchiveSchema.typedFields(new TestParser().fields());
        Path empty = Files.createFile(dir.resolve("empty.rows"));
        List<ArchiveSchema.Column> got = new ArrayList<>();
        try (Connection conn = DuckDbDriver.connect()) {
            StagedRows staged = new StagedRows(typed);
            DuckDBFunctions.tableFunction().withName(StagedRows.FUNCTION).withFunction(staged).register(conn);
            staged.source(empty);
            try (Statement s = conn.createStatement();
                    ResultSet rs = s.executeQuery("DESCRIBE " + StagedRows.select("web", typed))) {
                while (rs.next()) {
                    got.add(new ArchiveSchema.Column(rs.getString("column_name"), rs.getString("column_type")));
                }
            } finally {
                staged.closeSource();
            }
        }
        assertThat(got).containsExactlyElementsOf(ArchiveSchema.columns(new TestParser().fields()));
    }

    @Test
    void baseColumnsAreTheRecordViewsEventColumns() {
        assertThat(ArchiveSchema.BASE).extracting(ArchiveSchema.Column::name)
                .containsExactlyElementsOf(RecordView.EVENT_COLUMNS);
    }

    @Test
    void typedFieldsLeaveOutParserFieldsNamedLikeEventColumns() {
        assertThat(ArchiveSchema.typedFields(new TestParser().fields())).extracting(FieldDef::name)
                .containsExactly("method", "path", "status", "request_time",
                        "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "k8s_namespace", "k8s_pod", "k8s_pod_uid", "k8s_container");
    }
}
