#include "retro/runbook_history.h"

namespace vakt::retro {

nlohmann::json RecordLoadedRunbooks(storage::SqlRunbookVersionStore& store,
                                    const runbook::RunbookSet& set, const std::string& actor,
                                    TimeMs now) {
  nlohmann::json recorded = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& runbook : set.runbooks()) {
    storage::RunbookVersion draft;
    draft.runbook_id = runbook->id();
    draft.content_hash = runbook->content_hash;
    draft.content = runbook->source_text;
    draft.author = actor;
    draft.message = "reload of " + runbook->source_path;
    draft.source = "reload";
    auto result = store.RecordIfChanged(draft, now);
    if (!result.ok()) {
      errors.push_back(runbook->id() + ": " + result.status().message());
    } else if (result->has_value()) {
      recorded.push_back({{"id", runbook->id()},
                          {"version", (*result)->version},
                          {"content_hash", (*result)->content_hash}});
    }
  }
  return {{"recorded", recorded}, {"errors", errors}};
}

}  // namespace vakt::retro
