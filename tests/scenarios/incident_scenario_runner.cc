// incident_scenario_runner runs one tests/scenarios/incidents/*.incidents file: timed alerts and
// deployments in, expected incidents (runbook, alerts, state, context snapshot) out. Time is a
// FakeClock, the database an in-memory SQLite, the runbooks and catalogue the real files.
//
//   # name: what the scenario proves
//   runbooks examples/runbooks            (relative to the repository root)
//   catalog  examples/pipelines.yaml
//   start    2026-11-28T10:00:00Z
//   at 0s    deploy fraud-scoring 42 deploy notes text
//   at 0s    alert {alertname="FeatureDrift",pipeline="fraud-scoring"} for 1h
//   at 5m    resolve {alertname="FeatureDrift",pipeline="fraud-scoring"}
//   run 2m                                (advance the clock, dispatching every 5 s)
//   expect incidents 1
//   expect incident 1 runbook fraud-feature-drift | alerts 2 | state triggered |
//          context.<json.path> <value> | title <text>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/time_format.h"
#include "incident/incident_service.h"
#include "runbook/loader.h"
#include "storage/sql_incident_store.h"

namespace vakt {
namespace {

struct Failure {
  int line;
  std::string message;
};

Result<LabelSet> ParseLabels(const std::string& text) {
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
    return Status::InvalidArgument("labels must look like {a=\"b\",c=\"d\"}");
  }
  LabelSet labels;
  size_t pos = 1;
  while (pos < text.size() - 1) {
    size_t eq = text.find('=', pos);
    if (eq == std::string::npos || text[eq + 1] != '"') return Status::InvalidArgument("bad label near " + text.substr(pos));
    std::string name = text.substr(pos, eq - pos);
    size_t close = text.find('"', eq + 2);
    if (close == std::string::npos) return Status::InvalidArgument("unterminated value");
    labels[name] = text.substr(eq + 2, close - eq - 2);
    pos = close + 1;
    if (pos < text.size() - 1 && text[pos] == ',') ++pos;
  }
  return labels;
}

std::string JsonPathValue(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* node = &root;
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (node->is_array()) {
      size_t index = std::stoul(part);
      if (index >= node->size()) return "<missing>";
      node = &(*node)[index];
    } else if (node->is_object() && node->contains(part)) {
      node = &(*node)[part];
    } else {
      return "<missing>";
    }
  }
  return node->is_string() ? node->get<std::string>() : node->dump();
}

class Runner {
 public:
  explicit Runner(std::string root) : root_(std::move(root)) {}

  int Run(const std::string& path) {
    std::ifstream file(path);
    if (!file) {
      std::cerr << "cannot read " << path << "\n";
      return 2;
    }
    std::string line;
    int number = 0;
    while (std::getline(file, line)) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      Status status = Step(line, number);
      if (!status.ok()) {
        std::cerr << path << ":" << number << ": " << status.message() << "\n";
        return 2;
      }
    }
    for (const auto& failure : failures_) {
      std::cout << "FAIL " << path << ":" << failure.line << ": " << failure.message << "\n";
    }
    std::cout << (failures_.empty() ? "PASS " : "FAILED ") << path << " (" << checks_ << " checks)\n";
    return failures_.empty() ? 0 : 1;
  }

 private:
  Status Setup() {
    if (service_) return Status::Ok();
    VAKT_ASSIGN_OR_RETURN(db_, storage::OpenDatabase("sqlite::memory:"));
    store_ = std::make_unique<storage::SqlIncidentStore>(*db_);
    service_ = std::make_unique<incident::IncidentService>(*db_, *store_, clock_, metrics_);
    incident::Routing routing;
    VAKT_ASSIGN_OR_RETURN(auto set, runbook::LoadRunbookSet({root_ + "/" + runbooks_}));
    routing.matcher = std::make_shared<dispatch::RunbookMatcher>(
        dispatch::RunbookMatcher::Build(std::make_shared<runbook::RunbookSet>(std::move(set))));
    if (!catalog_.empty()) {
      VAKT_ASSIGN_OR_RETURN(auto catalog, catalog::LoadCatalogFile(root_ + "/" + catalog_));
      routing.catalog = std::make_shared<catalog::Catalog>(std::move(catalog));
    }
    service_->SetRouting(routing);
    return Status::Ok();
  }

  Status Step(const std::string& line, int number) {
    std::stringstream words(line);
    std::string verb;
    words >> verb;
    std::string rest;
    std::getline(words, rest);
    if (!rest.empty() && rest[0] == ' ') rest = rest.substr(rest.find_first_not_of(' '));
    if (verb == "runbooks") {
      runbooks_ = rest;
    } else if (verb == "catalog") {
      catalog_ = rest;
    } else if (verb == "start") {
      VAKT_ASSIGN_OR_RETURN(start_, ParseRfc3339(rest));
      clock_.Set(start_);
    } else if (verb == "at") {
      VAKT_RETURN_IF_ERROR(Setup());
      std::stringstream parts(rest);
      std::string offset, action;
      parts >> offset >> action;
      VAKT_ASSIGN_OR_RETURN(TimeMs at, ParseDuration(offset));
      Advance(start_ + at);
      std::string args;
      std::getline(parts, args);
      args = args.empty() ? args : args.substr(args.find_first_not_of(' '));
      return Act(action, args);
    } else if (verb == "run") {
      VAKT_RETURN_IF_ERROR(Setup());
      VAKT_ASSIGN_OR_RETURN(TimeMs duration, ParseDuration(rest));
      Advance(clock_.NowMs() + duration);
    } else if (verb == "expect") {
      VAKT_RETURN_IF_ERROR(Setup());
      Expect(rest, number);
    } else {
      return Status::InvalidArgument("unknown command \"" + verb + "\"");
    }
    return Status::Ok();
  }

  // Advance moves the clock to `target` in 5 s ticks, running a dispatch pass at each tick.
  void Advance(TimeMs target) {
    while (clock_.NowMs() < target) {
      clock_.Set(std::min(target, clock_.NowMs() + 5000));
      auto placed = service_->DispatchPending();
      if (!placed.ok()) std::cerr << "dispatch: " << placed.status().ToString() << "\n";
    }
    auto placed = service_->DispatchPending();
    if (!placed.ok()) std::cerr << "dispatch: " << placed.status().ToString() << "\n";
  }

  Status Act(const std::string& action, const std::string& args) {
    TimeMs now = clock_.NowMs();
    if (action == "deploy") {
      std::stringstream parts(args);
      storage::ChangeEvent event;
      parts >> event.pipeline >> event.version;
      std::getline(parts, event.summary);
      event.source = "scenario";
      event.timestamp = now;
      event.payload_json = "{}";
      return db_->alerts().AddChangeEvent(event).status();
    }
    if (action == "alert" || action == "resolve") {
      size_t close = args.find('}');
      if (close == std::string::npos) return Status::InvalidArgument("missing labels");
      VAKT_ASSIGN_OR_RETURN(LabelSet labels, ParseLabels(args.substr(0, close + 1)));
      Alert alert;
      alert.labels = labels;
      alert.fingerprint = Fingerprint(labels);
      alert.updated_at = now;
      if (action == "alert") {
        TimeMs lasts = 3'600'000;
        std::string tail = args.substr(close + 1);
        if (auto pos = tail.find("for "); pos != std::string::npos) {
          VAKT_ASSIGN_OR_RETURN(lasts, ParseDuration(tail.substr(pos + 4)));
        }
        alert.starts_at = now;
        alert.ends_at = now + lasts;
      } else {
        VAKT_ASSIGN_OR_RETURN(Alert stored, db_->alerts().GetAlert(alert.fingerprint));
        alert = stored;
        alert.ends_at = now;
        alert.updated_at = now;
      }
      return db_->alerts().UpsertAlerts({alert}).status();
    }
    if (action == "ack" || action == "resolve-incident") {
      VAKT_ASSIGN_OR_RETURN(auto id, ParseNumber(args));
      auto result = service_->Act(id, action == "ack" ? incident::IncidentAction::kAcknowledge
                                                      : incident::IncidentAction::kResolve,
                                  "scenario", "");
      return result.status();
    }
    return Status::InvalidArgument("unknown action \"" + action + "\"");
  }

  static Result<std::int64_t> ParseNumber(const std::string& text) {
    auto id = ParseIncidentKey(text);
    if (!id) return Status::InvalidArgument("expected an incident number, got \"" + text + "\"");
    return *id;
  }

  void Check(bool ok, int line, const std::string& message) {
    ++checks_;
    if (!ok) failures_.push_back({line, message});
  }

  void Expect(const std::string& rest, int line) {
    std::stringstream parts(rest);
    std::string what;
    parts >> what;
    auto incidents = store_->ListIncidents({});
    if (!incidents.ok()) {
      Check(false, line, incidents.status().ToString());
      return;
    }
    if (what == "incidents") {
      size_t want = 0;
      parts >> want;
      Check(incidents->size() == want, line,
            "expected " + std::to_string(want) + " incidents, got " + std::to_string(incidents->size()));
      return;
    }
    std::string key, field, want;
    parts >> key >> field;
    std::getline(parts, want);
    want = want.empty() ? want : want.substr(want.find_first_not_of(' '));
    auto id = ParseIncidentKey(key);
    auto found = id ? store_->GetIncident(*id) : Result<Incident>(Status::InvalidArgument(key));
    if (!found.ok()) {
      Check(false, line, "no incident " + key);
      return;
    }
    std::string got;
    if (field == "runbook") got = found->runbook_id;
    else if (field == "state") got = IncidentStateName(found->state);
    else if (field == "title") got = found->title;
    else if (field == "pipeline") got = found->pipeline;
    else if (field == "severity") got = found->severity;
    else if (field == "alerts") got = std::to_string(store_->ListIncidentAlerts(found->id)->size());
    else if (field.rfind("context.", 0) == 0) got = JsonPathValue(found->context, field.substr(8));
    else got = "<unknown field " + field + ">";
    Check(got == want, line, "incident " + key + " " + field + ": expected \"" + want + "\", got \"" + got + "\"");
  }

  std::string root_;
  std::string runbooks_ = "examples/runbooks";
  std::string catalog_;
  TimeMs start_ = 0;
  FakeClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::SqlIncidentStore> store_;
  std::unique_ptr<incident::IncidentService> service_;
  std::vector<Failure> failures_;
  int checks_ = 0;
};

}  // namespace
}  // namespace vakt

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: incident_scenario_runner FILE REPO_ROOT\n";
    return 2;
  }
  return vakt::Runner(argv[2]).Run(argv[1]);
}
