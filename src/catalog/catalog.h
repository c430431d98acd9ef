#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/strict_yaml.h"
#include "common/clock.h"
#include "common/status.h"

// The pipeline catalogue: what each ML pipeline is, who owns it, what business it carries, when
// it may be changed, and its register of outstanding risks. Format: docs/runbook_schema.md
// ("Pipeline catalogue"); example: examples/pipelines.yaml.
namespace vakt::catalog {

struct Model {
  std::string name;           // the serving name, as alerts label it (model="...")
  std::string registry_name;  // the name in the model registry (MLflow registered model)
};

enum class Criticality { kLow, kMedium, kHigh, kCritical };
const char* CriticalityName(Criticality criticality);

struct BusinessProcess {
  std::string name;
  std::string slo;  // human text, e.g. "99.95% of authorisations scored within 150 ms"
  Criticality criticality = Criticality::kMedium;
};

// ChangeWindow is a recurring local-time window: on each listed weekday at `start_minute` after
// local midnight in `time_zone`, lasting `duration_ms` of elapsed time.
struct ChangeWindow {
  std::array<bool, 7> days{};  // index 0 = Sunday … 6 = Saturday (date::weekday encoding)
  int start_minute = 0;        // minutes after local midnight, 0..1439
  TimeMs duration_ms = 0;
  std::string time_zone;       // IANA name, validated at load time
};

struct Dashboard {
  std::string title;
  std::string url;
};

enum class RiskStatus { kOpen, kMitigated, kAccepted, kClosed };
const char* RiskStatusName(RiskStatus status);

// RiskItem is one entry of a pipeline's register of outstanding risks.
struct RiskItem {
  std::string id;
  std::string title;
  std::string owner;
  RiskStatus status = RiskStatus::kOpen;
  std::string opened_from_incident;  // e.g. "INC-42"; empty when not from an incident
};

enum class Regime { kEuAiAct, kNis2, kDora };
const char* RegimeName(Regime regime);

struct Regulatory {
  Regime regime = Regime::kEuAiAct;
  std::string effective_from;  // YYYY-MM-DD
};

struct Pipeline {
  std::string id;
  std::string title;
  std::string description;
  std::vector<Model> models;
  std::string team;
  std::vector<std::string> owners;
  std::vector<BusinessProcess> business_processes;
  std::vector<ChangeWindow> change_windows;
  std::vector<std::string> data_sources;
  std::vector<Dashboard> dashboards;
  std::vector<RiskItem> risks;
  std::vector<Regulatory> regulatory;
};

// EscalationPolicyRef names an escalation policy so runbook lint can check references; the
// policy's steps are defined by the escalation module.
struct EscalationPolicyRef {
  std::string id;
  std::string title;
};

// Catalog is an immutable, validated pipeline catalogue. Safe to share read-only between threads
// (reload = build a new Catalog, then swap a shared_ptr).
class Catalog {
 public:
  const std::vector<Pipeline>& pipelines() const { return pipelines_; }
  const std::vector<EscalationPolicyRef>& escalation_policies() const {
    return escalation_policies_;
  }
  // env_allow_list names the environment variables runbook templates may read as env.NAME.
  const std::vector<std::string>& env_allow_list() const { return env_allow_list_; }

  // WithPipeline returns a copy in which `pipeline` replaces the entry with its id (or is
  // appended). Used to lay pipelines defined through the API over the catalogue file.
  Catalog WithPipeline(Pipeline pipeline) const;

  // FindPipeline returns the pipeline with `id`, or nullptr.
  const Pipeline* FindPipeline(std::string_view id) const;
  bool HasEscalationPolicy(std::string_view id) const;
  bool EnvAllowed(std::string_view name) const;

 private:
  friend bool DecodeCatalog(const YamlNode& root, Diagnostics& diags, Catalog* out);
  std::vector<Pipeline> pipelines_;
  std::vector<EscalationPolicyRef> escalation_policies_;
  std::vector<std::string> env_allow_list_;
};

// ParseCatalog validates catalogue YAML strictly (unknown keys, wrong types, ambiguous scalars,
// duplicate ids, unknown time zones are errors). On error returns InvalidArgument with one
// "source:line:column: message" per line.
Result<Catalog> ParseCatalog(std::string_view text, std::string_view source,
                             const YamlLimits& limits = {});

// ParsePipelineDocument validates one pipeline (the shape of an item under `pipelines:`; JSON is
// accepted, being YAML) with the same strict rules as the catalogue file.
Result<Pipeline> ParsePipelineDocument(std::string_view text, std::string_view source,
                                       const YamlLimits& limits = {});

// LoadCatalogFile reads and parses a catalogue file; NotFound when it cannot be read.
Result<Catalog> LoadCatalogFile(const std::filesystem::path& path, const YamlLimits& limits = {});

// ReadFileCapped reads a whole file, refusing files over max_bytes (checked before reading).
Result<std::string> ReadFileCapped(const std::filesystem::path& path, size_t max_bytes);

}  // namespace vakt::catalog
