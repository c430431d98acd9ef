#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite/sqlite_migrations.h"

namespace vakt::storage {

// PortableMigration is a schema step written once for both engines. Tables added after v3 use
// the common dialect (TEXT, BIGINT) plus one placeholder, {{ID}}, for an auto-numbered primary
// key. Each feature keeps its tables in its own file under storage/schema/ so that subsystems
// grow the schema without editing one shared list of SQL.
struct PortableMigration {
  int version;
  std::string_view sql;
};

// RenderMigration substitutes the placeholders for `engine` ("sqlite" or "postgres").
Migration RenderMigration(const PortableMigration& migration, std::string_view engine);

// WithPortableMigrations merges the feature migrations, rendered for `engine`, into an engine's
// own list (v1–v3 and engine-specific steps such as v15), in version order.
std::vector<Migration> WithPortableMigrations(std::vector<Migration> engine_migrations,
                                              std::string_view engine);

// PortableMigrations lists every feature migration in version order (v4 on).
const std::vector<PortableMigration>& PortableMigrations();

// One function per feature schema file. Append only: an applied migration never changes.
PortableMigration AuditSchema();          // v4 audit_schema.cc (issue 7)
PortableMigration StepSchema();           // v5 step_schema.cc (issue 4)
PortableMigration PagingSchema();         // v6 paging_schema.cc (issue 5)
PortableMigration RunbookHistorySchema();  // v7 runbook_history_schema.cc (issues 3, 9)
PortableMigration DiagnosisSchema();      // v8 diagnosis_schema.cc (issue 6)
PortableMigration CatalogSchema();        // v10 catalog_schema.cc (issue 3)
PortableMigration OncallPeopleSchema();   // v11 oncall_people_schema.cc (issue 5)
PortableMigration DrillScheduleSchema();  // v13 drill_schedule_schema.cc (issue 9)
PortableMigration GroupNoticeSchema();    // v14 group_notice_schema.cc (issue 3)

}  // namespace vakt::storage
