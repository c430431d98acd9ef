#include "storage/schema/portable_migration.h"

#include <algorithm>

namespace vakt::storage {

namespace {

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

Migration RenderMigration(const PortableMigration& migration, std::string_view engine) {
  std::string sql(migration.sql);
  ReplaceAll(sql, "{{ID}}",
             engine == "postgres" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  return Migration{migration.version, std::move(sql)};
}

std::vector<Migration> WithPortableMigrations(std::vector<Migration> engine_migrations,
                                              std::string_view engine) {
  for (const PortableMigration& migration : PortableMigrations()) {
    engine_migrations.push_back(RenderMigration(migration, engine));
  }
  // An engine's own later steps (v15 on) sit in its list next to v1–v3; the runner applies the
  // list in order, so it is sorted by version.
  std::stable_sort(engine_migrations.begin(), engine_migrations.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return engine_migrations;
}

const std::vector<PortableMigration>& PortableMigrations() {
  static const std::vector<PortableMigration> kMigrations = {
      AuditSchema(),
      StepSchema(),
      PagingSchema(),
      RunbookHistorySchema(),
      DiagnosisSchema(),
      CatalogSchema(),
      OncallPeopleSchema(),
      DrillScheduleSchema(),
      GroupNoticeSchema(),
  };
  return kMigrations;
}

}  // namespace vakt::storage
