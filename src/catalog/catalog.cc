#include "catalog/catalog.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "catalog/change_window.h"

namespace vakt::catalog {
namespace {

template <typename Enum, size_t N>
bool ReadEnum(const YamlNode& node, Diagnostics& diags,
              const std::pair<std::string_view, Enum> (&names)[N], Enum* out) {
  std::string text;
  if (!ReadString(node, diags, &text)) return false;
  std::string allowed;
  for (const auto& [name, value] : names) {
    if (text == name) {
      *out = value;
      return true;
    }
    allowed += allowed.empty() ? "" : ", ";
    allowed += name;
  }
  diags.Add(node.pos, fmt::format("invalid value \"{}\" (one of: {})", text, allowed));
  return false;
}

constexpr std::pair<std::string_view, Criticality> kCriticalities[] = {
    {"low", Criticality::kLow},
    {"medium", Criticality::kMedium},
    {"high", Criticality::kHigh},
    {"critical", Criticality::kCritical}};
constexpr std::pair<std::string_view, RiskStatus> kRiskStatuses[] = {
    {"open", RiskStatus::kOpen},
    {"mitigated", RiskStatus::kMitigated},
    {"accepted", RiskStatus::kAccepted},
    {"closed", RiskStatus::kClosed}};
constexpr std::pair<std::string_view, Regime> kRegimes[] = {
    {"eu_ai_act", Regime::kEuAiAct}, {"nis2", Regime::kNis2}, {"dora", Regime::kDora}};
constexpr std::pair<std::string_view, int> kDays[] = {{"sun", 0}, {"mon", 1}, {"tue", 2},
                                                      {"wed", 3}, {"thu", 4}, {"fri", 5},
                                                      {"sat", 6}};

// ForEachItem calls fn for each element of a list node; reports a non-list.
template <typename Fn>
void ForEachItem(const YamlNode* node, Diagnostics& diags, std::string_view what, Fn fn) {
  if (node == nullptr) return;
  if (node->kind != YamlNode::Kind::kSequence) {
    diags.Add(node->pos, fmt::format("expected a list of {}", what));
    return;
  }
  for (const YamlNode& item : node->items) fn(item);
}

bool ParseClock(const YamlNode& node, Diagnostics& diags, int* minute) {
  std::string text;
  if (!ReadString(node, diags, &text)) return false;
  if (text.size() == 5 && text[2] == ':' && isdigit(text[0]) && isdigit(text[1]) &&
      isdigit(text[3]) && isdigit(text[4])) {
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours < 24 && minutes < 60) {
      *minute = hours * 60 + minutes;
      return true;
    }
  }
  diags.Add(node.pos, fmt::format("invalid local time \"{}\" (want \"HH:MM\", quoted)", text));
  return false;
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  const int day = (text[8] - '0') * 10 + (text[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

void DecodeWindow(const YamlNode& node, Diagnostics& diags, Pipeline* pipeline) {
  MapReader map(node, diags, "change window");
  if (!map.ok()) return;
  ChangeWindow window;
  bool ok = true;
  if (const YamlNode* days = map.Require("days")) {
    std::vector<std::string> names;
    if (ReadStringList(*days, diags, &names)) {
      if (names.empty()) diags.Add(days->pos, "days must name at least one weekday");
      for (const std::string& name : names) {
        bool found = false;
        for (const auto& [day_name, index] : kDays) {
          if (name == day_name) {
            window.days[index] = found = true;
          }
        }
        if (!found) {
          diags.Add(days->pos, fmt::format("invalid weekday \"{}\" (mon, tue, wed, thu, fri, "
                                           "sat, sun)", name));
          ok = false;
        }
      }
    }
  }
  if (const YamlNode* start = map.Require("start")) ok &= ParseClock(*start, diags, &window.start_minute);
  if (const YamlNode* duration = map.Require("duration")) {
    ok &= ReadDuration(*duration, diags, &window.duration_ms);
  }
  if (const YamlNode* zone = map.Require("time_zone")) {
    if (ReadString(*zone, diags, &window.time_zone) && !ValidTimeZone(window.time_zone)) {
      diags.Add(zone->pos, fmt::format("unknown time zone \"{}\"", window.time_zone));
      ok = false;
    }
  }
  map.Finish();
  if (ok) pipeline->change_windows.push_back(std::move(window));
}

void DecodePipeline(const YamlNode& node, Diagnostics& diags, Pipeline* out) {
  MapReader map(node, diags, "pipeline");
  if (!map.ok()) return;
  if (const YamlNode* n = map.Require("id")) (void)ReadString(*n, diags, &out->id);
  if (const YamlNode* n = map.Require("title")) (void)ReadString(*n, diags, &out->title);
  if (const YamlNode* n = map.Get("description")) (void)ReadString(*n, diags, &out->description);
  if (const YamlNode* n = map.Get("team")) (void)ReadString(*n, diags, &out->team);
  if (const YamlNode* n = map.Get("owners")) (void)ReadStringList(*n, diags, &out->owners);
  if (const YamlNode* n = map.Get("data_sources")) {
    (void)ReadStringList(*n, diags, &out->data_sources);
  }
  ForEachItem(map.Get("models"), diags, "models", [&](const YamlNode& item) {
    MapReader m(item, diags, "model");
    Model model;
    if (const YamlNode* n = m.Require("name")) (void)ReadString(*n, diags, &model.name);
    if (const YamlNode* n = m.Get("registry_name")) {
      (void)ReadString(*n, diags, &model.registry_name);
    }
    m.Finish();
    out->models.push_back(std::move(model));
  });
  ForEachItem(map.Get("business_processes"), diags, "business processes",
              [&](const YamlNode& item) {
                MapReader m(item, diags, "business process");
                BusinessProcess process;
                if (const YamlNode* n = m.Require("name")) (void)ReadString(*n, diags, &process.name);
                if (const YamlNode* n = m.Get("slo")) (void)ReadString(*n, diags, &process.slo);
                if (const YamlNode* n = m.Get("criticality")) {
                  (void)ReadEnum(*n, diags, kCriticalities, &process.criticality);
                }
                m.Finish();
                out->business_processes.push_back(std::move(process));
              });
  ForEachItem(map.Get("change_windows"), diags, "change windows",
              [&](const YamlNode& item) { DecodeWindow(item, diags, out); });
  ForEachItem(map.Get("dashboards"), diags, "dashboards", [&](const YamlNode& item) {
    MapReader m(item, diags, "dashboard");
    Dashboard dashboard;
    if (const YamlNode* n = m.Require("title")) (void)ReadString(*n, diags, &dashboard.title);
    if (const YamlNode* n = m.Require("url")) (void)ReadString(*n, diags, &dashboard.url);
    m.Finish();
    out->dashboards.push_back(std::move(dashboard));
  });
  std::set<std::string, std::less<>> risk_ids;
  ForEachItem(map.Get("risks"), diags, "risks", [&](const YamlNode& item) {
    MapReader m(item, diags, "risk");
    RiskItem risk;
    if (const YamlNode* n = m.Require("id")) {
      if (ReadString(*n, diags, &risk.id) && !risk_ids.insert(risk.id).second) {
        diags.Add(n->pos, fmt::format("duplicate risk id \"{}\"", risk.id));
      }
    }
    if (const YamlNode* n = m.Require("title")) (void)ReadString(*n, diags, &risk.title);
    if (const YamlNode* n = m.Require("owner")) (void)ReadString(*n, diags, &risk.owner);
    if (const YamlNode* n = m.Get("status")) (void)ReadEnum(*n, diags, kRiskStatuses, &risk.status);
    if (const YamlNode* n = m.Get("opened_from_incident")) {
      (void)ReadString(*n, diags, &risk.opened_from_incident);
    }
    m.Finish();
    out->risks.push_back(std::move(risk));
  });
  ForEachItem(map.Get("regulatory"), diags, "regulatory regimes", [&](const YamlNode& item) {
    MapReader m(item, diags, "regulatory");
    Regulatory regulatory;
    if (const YamlNode* n = m.Require("regime")) {
      (void)ReadEnum(*n, diags, kRegimes, &regulatory.regime);
    }
    if (const YamlNode* n = m.Require("effective_from")) {
      if (ReadString(*n, diags, &regulatory.effective_from) &&
          !IsIsoDate(regulatory.effective_from)) {
        diags.Add(n->pos, fmt::format("invalid date \"{}\" (want \"YYYY-MM-DD\", quoted)",
                                      regulatory.effective_from));
      }
    }
    m.Finish();
    out->regulatory.push_back(std::move(regulatory));
  });
  map.Finish();
}

}  // namespace

const char* CriticalityName(Criticality criticality) {
  for (const auto& [name, value] : kCriticalities) {
    if (value == criticality) return name.data();
  }
  return "?";
}

const char* RiskStatusName(RiskStatus status) {
  for (const auto& [name, value] : kRiskStatuses) {
    if (value == status) return name.data();
  }
  return "?";
}

const char* RegimeName(Regime regime) {
  for (const auto& [name, value] : kRegimes) {
    if (value == regime) return name.data();
  }
  return "?";
}

const Pipeline* Catalog::FindPipeline(std::string_view id) const {
  for (const Pipeline& pipeline : pipelines_) {
    if (pipeline.id == id) return &pipeline;
  }
  return nullptr;
}

bool Catalog::HasEscalationPolicy(std::string_view id) const {
  for (const auto& policy : escalation_policies_) {
    if (policy.id == id) return true;
  }
  return false;
}

bool Catalog::EnvAllowed(std::string_view name) const {
  for (const auto& allowed : env_allow_list_) {
    if (allowed == name) return true;
  }
  return false;
}

bool DecodeCatalog(const YamlNode& root, Diagnostics& diags, Catalog* out) {
  MapReader map(root, diags, "catalogue");
  if (!map.ok()) return false;
  if (const YamlNode* n = map.Require("apiVersion")) {
    std::string version;
    if (ReadString(*n, diags, &version) && version != "vakt/v1") {
      diags.Add(n->pos, fmt::format("unsupported apiVersion \"{}\" (want vakt/v1)", version));
    }
  }
  if (const YamlNode* n = map.Require("kind")) {
    std::string kind;
    if (ReadString(*n, diags, &kind) && kind != "PipelineCatalog") {
      diags.Add(n->pos, fmt::format("kind must be PipelineCatalog, got \"{}\"", kind));
    }
  }
  if (const YamlNode* n = map.Get("env_allow_list")) {
    (void)ReadStringList(*n, diags, &out->env_allow_list_);
  }
  std::set<std::string, std::less<>> policy_ids;
  ForEachItem(map.Get("escalation_policies"), diags, "escalation policies",
              [&](const YamlNode& item) {
                MapReader m(item, diags, "escalation policy");
                EscalationPolicyRef policy;
                if (const YamlNode* n = m.Require("id")) {
                  if (ReadString(*n, diags, &policy.id) && !policy_ids.insert(policy.id).second) {
                    diags.Add(n->pos, fmt::format("duplicate escalation policy id \"{}\"",
                                                  policy.id));
                  }
                }
                if (const YamlNode* n = m.Get("title")) (void)ReadString(*n, diags, &policy.title);
                m.Finish();
                out->escalation_policies_.push_back(std::move(policy));
              });
  std::set<std::string, std::less<>> pipeline_ids;
  ForEachItem(map.Require("pipelines"), diags, "pipelines", [&](const YamlNode& item) {
    Pipeline pipeline;
    DecodePipeline(item, diags, &pipeline);
    if (!pipeline.id.empty() && !pipeline_ids.insert(pipeline.id).second) {
      diags.Add(item.pos, fmt::format("duplicate pipeline id \"{}\"", pipeline.id));
    }
    out->pipelines_.push_back(std::move(pipeline));
  });
  map.Finish();
  return diags.empty();
}

Result<Catalog> ParseCatalog(std::string_view text, std::string_view source,
                             const YamlLimits& limits) {
  Diagnostics diags{std::string(source)};
  YamlNode root;
  Catalog catalog;
  if (!ParseStrictYaml(text, limits, diags, &root) || !DecodeCatalog(root, diags, &catalog)) {
    return diags.ToStatus();
  }
  return catalog;
}

Result<Pipeline> ParsePipelineDocument(std::string_view text, std::string_view source,
                                       const YamlLimits& limits) {
  Diagnostics diags{std::string(source)};
  YamlNode root;
  Pipeline pipeline;
  if (!ParseStrictYaml(text, limits, diags, &root)) return diags.ToStatus();
  DecodePipeline(root, diags, &pipeline);
  if (!diags.empty()) return diags.ToStatus();
  return pipeline;
}

Catalog Catalog::WithPipeline(Pipeline pipeline) const {
  Catalog next = *this;
  for (Pipeline& existing : next.pipelines_) {
    if (existing.id == pipeline.id) {
      existing = std::move(pipeline);
      return next;
    }
  }
  next.pipelines_.push_back(std::move(pipeline));
  return next;
}

Result<std::string> ReadFileCapped(const std::filesystem::path& path, size_t max_bytes) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return Status::NotFound(fmt::format("{}: {}", path.string(), error.message()));
  if (size > max_bytes) {
    return Status::InvalidArgument(fmt::format("{}:1:1: file is {} bytes, over the {} byte limit",
                                               path.string(), size, max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<Catalog> LoadCatalogFile(const std::filesystem::path& path, const YamlLimits& limits) {
  VAKT_ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, limits.max_bytes));
  return ParseCatalog(text, path.string(), limits);
}

}  // namespace vakt::catalog
