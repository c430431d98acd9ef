#include "runbook/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "catalog/catalog.h"
#include "common/crypto.h"
#include "runbook/template_scanner.h"

namespace vakt::runbook {
namespace {

using catalog::Diagnostics;
using catalog::MapReader;
using catalog::YamlNode;

bool IsIdentifier(std::string_view id, bool allow_underscore) {
  if (id.empty() || id.size() > 128) return false;
  if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9'))) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           (allow_underscore && c == '_');
  });
}

// Decoder turns a strict YamlNode tree into a Runbook, recording template-bearing strings.
class Decoder {
 public:
  Decoder(Diagnostics& diags, Runbook* out) : diags_(diags), out_(out) {}

  void DecodeRoot(const YamlNode& root) {
    MapReader map(root, diags_, "runbook");
    if (!map.ok()) return;
    if (const YamlNode* n = map.Require("apiVersion")) {
      std::string version;
      if (Str(*n, &version) && version != "vakt/v1") {
        diags_.Add(n->pos, fmt::format("unsupported apiVersion \"{}\" (want vakt/v1)", version));
      }
    }
    if (const YamlNode* n = map.Require("kind")) {
      std::string kind;
      if (Str(*n, &kind) && kind != "Runbook") {
        diags_.Add(n->pos, fmt::format("kind must be Runbook, got \"{}\"", kind));
      }
    }
    if (const YamlNode* n = map.Require("metadata")) DecodeMetadata(*n);
    if (const YamlNode* n = map.Get("context")) DecodeContext(*n);
    if (const YamlNode* n = map.Require("detection")) DecodeDetection(*n);
    if (const YamlNode* n = map.Get("stabilise")) DecodeSteps(*n, &out_->stabilise);
    if (const YamlNode* n = map.Get("investigate")) DecodeInvestigate(*n);
    if (const YamlNode* n = map.Get("resolve")) DecodeResolve(*n);
    map.Finish();
  }

 private:
  bool Str(const YamlNode& node, std::string* out) {
    if (!catalog::ReadString(node, diags_, out)) return false;
    if (out->find("{{") != std::string::npos) out_->templates.push_back({*out, node.pos});
    return true;
  }

  bool StrList(const YamlNode& node, std::vector<std::string>* out) {
    if (!catalog::ReadStringList(node, diags_, out)) return false;
    for (size_t i = 0; i < out->size(); ++i) {
      if ((*out)[i].find("{{") != std::string::npos) {
        out_->templates.push_back({(*out)[i], node.items[i].pos});
      }
    }
    return true;
  }

  // NonEmpty reports an empty required string.
  void NonEmpty(const YamlNode* node, const std::string& value, std::string_view what) {
    if (node != nullptr && node->kind == YamlNode::Kind::kScalar && value.empty()) {
      diags_.Add(node->pos, fmt::format("{} must not be empty", what));
    }
  }

  template <typename Enum, size_t N>
  bool Enum_(const YamlNode& node, const std::pair<std::string_view, Enum> (&names)[N],
             Enum* out) {
    std::string text;
    if (!Str(node, &text)) return false;
    std::string allowed;
    for (const auto& [name, value] : names) {
      if (text == name) {
        *out = value;
        return true;
      }
      allowed += allowed.empty() ? "" : ", ";
      allowed += name;
    }
    diags_.Add(node.pos, fmt::format("invalid value \"{}\" (one of: {})", text, allowed));
    return false;
  }

  template <typename Fn>
  void ForEach(const YamlNode& node, std::string_view what, Fn fn) {
    if (node.kind != YamlNode::Kind::kSequence) {
      diags_.Add(node.pos, fmt::format("expected a list of {}", what));
      return;
    }
    for (const YamlNode& item : node.items) fn(item);
  }

  void DecodeMetadata(const YamlNode& node) {
    MapReader map(node, diags_, "metadata");
    Metadata& meta = out_->metadata;
    if (const YamlNode* n = map.Require("id")) {
      if (Str(*n, &meta.id) && !IsIdentifier(meta.id, false)) {
        diags_.Add(n->pos, fmt::format("invalid runbook id \"{}\" (lowercase letters, digits and "
                                       "'-', starting with a letter or digit)",
                                       meta.id));
      }
    }
    if (const YamlNode* n = map.Require("title")) {
      Str(*n, &meta.title);
      NonEmpty(n, meta.title, "title");
    }
    if (const YamlNode* n = map.Get("version")) {
      std::int64_t version = 1;
      if (catalog::ReadInt(*n, diags_, 1, 1'000'000, &version)) meta.version = static_cast<int>(version);
    }
    if (const YamlNode* n = map.Get("owners")) StrList(*n, &meta.owners);
    if (const YamlNode* n = map.Get("tags")) StrList(*n, &meta.tags);
    if (const YamlNode* n = map.Get("description")) Str(*n, &meta.description);
    map.Finish();
  }

  void DecodeLinks(const YamlNode& node, std::vector<Link>* out) {
    ForEach(node, "links", [&](const YamlNode& item) {
      MapReader map(item, diags_, "link");
      Link link;
      if (const YamlNode* n = map.Require("title")) Str(*n, &link.title);
      if (const YamlNode* n = map.Require("url")) Str(*n, &link.url);
      map.Finish();
      out->push_back(std::move(link));
    });
  }

  void DecodeContext(const YamlNode& node) {
    MapReader map(node, diags_, "context");
    Context& context = out_->context;
    if (const YamlNode* n = map.Get("pipeline")) {
      Str(*n, &context.pipeline);
      context.pipeline_pos = n->pos;
    }
    if (const YamlNode* n = map.Get("business_impact")) StrList(*n, &context.business_impact);
    if (const YamlNode* n = map.Get("links")) DecodeLinks(*n, &context.links);
    map.Finish();
  }

  void AddSelector(const std::string& label, const YamlNode& value) {
    std::string text;
    if (!catalog::ReadString(value, diags_, &text)) return;
    Result<Selector> selector = Selector::Parse(label, text);
    if (!selector.ok()) {
      diags_.Add(value.pos, fmt::format("selector on \"{}\": {}", label,
                                        selector.status().message()));
      return;
    }
    out_->detection.match.push_back(std::move(selector).value());
  }

  void DecodeDetection(const YamlNode& node) {
    MapReader map(node, diags_, "detection");
    Detection& detection = out_->detection;
    detection.pos = node.pos;
    if (const YamlNode* n = map.Get("match")) {
      if (n->kind != YamlNode::Kind::kMap) {
        diags_.Add(n->pos, "match must be a mapping of label: selector");
      } else {
        for (size_t i = 0; i < n->keys.size(); ++i) {
          if (!IsLabelName(n->keys[i])) {
            diags_.Add(n->key_pos[i], fmt::format("invalid label name \"{}\"", n->keys[i]));
            continue;
          }
          const YamlNode& value = n->items[i];
          if (value.kind == YamlNode::Kind::kSequence) {
            for (const YamlNode& item : value.items) AddSelector(n->keys[i], item);
          } else {
            AddSelector(n->keys[i], value);
          }
        }
      }
    }
    if (const YamlNode* n = map.Get("continue")) {
      catalog::ReadBool(*n, diags_, &detection.continue_matching);
    }
    if (const YamlNode* n = map.Get("default")) {
      catalog::ReadBool(*n, diags_, &detection.is_default);
      if (detection.is_default && !detection.match.empty()) {
        diags_.Add(n->pos, "the default runbook catches unmatched alerts: it cannot have match");
      }
    }
    if (!detection.is_default && map.Get("match") == nullptr) {
      diags_.Add(node.pos, "detection needs match selectors (or default: true)");
    }
    if (const YamlNode* n = map.Get("priority")) {
      std::int64_t priority = 0;
      if (catalog::ReadInt(*n, diags_, -1'000'000, 1'000'000, &priority)) {
        detection.priority = static_cast<int>(priority);
      }
    }
    if (const YamlNode* n = map.Get("escalation")) {
      Str(*n, &detection.escalation);
      detection.escalation_pos = n->pos;
    }
    if (const YamlNode* n = map.Get("group_by")) StrList(*n, &detection.group_by);
    if (const YamlNode* n = map.Get("group_wait")) {
      catalog::ReadDuration(*n, diags_, &detection.group_wait_ms);
    }
    if (const YamlNode* n = map.Get("group_interval")) {
      catalog::ReadDuration(*n, diags_, &detection.group_interval_ms);
    }
    if (const YamlNode* n = map.Get("links")) DecodeLinks(*n, &detection.links);
    map.Finish();
  }

  void DecodeInvestigate(const YamlNode& node) {
    MapReader map(node, diags_, "investigate");
    Investigate& investigate = out_->investigate;
    if (const YamlNode* n = map.Get("diagnose")) {
      investigate.diagnose.emplace();
      DecodeDiagnose(*n, &*investigate.diagnose);
    }
    if (const YamlNode* n = map.Get("evidence_required")) {
      StrList(*n, &investigate.evidence_required);
    }
    if (const YamlNode* n = map.Get("steps")) DecodeSteps(*n, &investigate.steps);
    map.Finish();
  }

  void DecodeResolve(const YamlNode& node) {
    MapReader map(node, diags_, "resolve");
    if (const YamlNode* n = map.Get("verify")) DecodeSteps(*n, &out_->resolve.verify);
    if (const YamlNode* n = map.Get("close_out")) DecodeSteps(*n, &out_->resolve.close_out);
    map.Finish();
  }

  void DecodeSteps(const YamlNode& node, std::vector<Step>* out) {
    ForEach(node, "steps", [&](const YamlNode& item) {
      Step step;
      DecodeStep(item, &step);
      out->push_back(std::move(step));
    });
  }

  void DecodeStep(const YamlNode& node, Step* step) {
    static constexpr std::pair<std::string_view, Risk> kRisks[] = {
        {"low", Risk::kLow}, {"medium", Risk::kMedium}, {"high", Risk::kHigh},
        {"critical", Risk::kCritical}};
    MapReader map(node, diags_, "step");
    step->pos = node.pos;
    if (const YamlNode* n = map.Require("id")) {
      if (Str(*n, &step->id) && !IsIdentifier(step->id, true)) {
        diags_.Add(n->pos, fmt::format("invalid step id \"{}\" (lowercase letters, digits, '-' "
                                       "and '_')",
                                       step->id));
      }
    }
    if (const YamlNode* n = map.Require("title")) Str(*n, &step->title);
    if (const YamlNode* n = map.Get("description")) Str(*n, &step->description);
    if (const YamlNode* n = map.Get("risk")) Enum_(*n, kRisks, &step->risk);
    if (const YamlNode* n = map.Get("auto")) catalog::ReadBool(*n, diags_, &step->auto_run);
    if (const YamlNode* n = map.Get("timeout")) {
      catalog::ReadDuration(*n, diags_, &step->timeout_ms);
    }
    if (const YamlNode* n = map.Get("approval")) {
      step->approval.emplace();
      DecodeApproval(*n, &*step->approval);
    }
    if (const YamlNode* n = map.Require("action")) DecodeAction(*n, &step->action);
    map.Finish();
  }

  void DecodeApproval(const YamlNode& node, Approval* approval) {
    MapReader map(node, diags_, "approval");
    if (const YamlNode* n = map.Require("roles")) {
      if (StrList(*n, &approval->roles) && approval->roles.empty()) {
        diags_.Add(n->pos, "approval needs at least one role");
      }
    }
    if (const YamlNode* n = map.Get("count")) {
      std::int64_t count = 1;
      if (catalog::ReadInt(*n, diags_, 1, 10, &count)) approval->count = static_cast<int>(count);
    }
    if (const YamlNode* n = map.Get("distinct_from_requester")) {
      catalog::ReadBool(*n, diags_, &approval->distinct_from_requester);
    }
    if (const YamlNode* n = map.Get("expires")) {
      catalog::ReadDuration(*n, diags_, &approval->expires_ms);
    }
    map.Finish();
  }

  void DecodeAction(const YamlNode& node, Action* action) {
    if (node.kind != YamlNode::Kind::kMap || node.keys.size() != 1) {
      diags_.Add(node.pos, "action must be a mapping with exactly one of: manual, http, command, "
                           "notify, capture, check, wait, diagnose");
      return;
    }
    const std::string& kind = node.keys[0];
    const YamlNode& body = node.items[0];
    if (kind == "manual") {
      MapReader map(body, diags_, "manual action");
      ManualAction manual;
      if (const YamlNode* n = map.Require("instructions")) {
        Str(*n, &manual.instructions);
        NonEmpty(n, manual.instructions, "instructions");
      }
      map.Finish();
      *action = std::move(manual);
    } else if (kind == "http") {
      *action = DecodeHttp(body);
    } else if (kind == "command") {
      *action = DecodeCommand(body);
    } else if (kind == "notify") {
      MapReader map(body, diags_, "notify action");
      NotifyAction notify;
      if (const YamlNode* n = map.Require("template")) Str(*n, &notify.template_name);
      if (const YamlNode* n = map.Require("to")) {
        if (StrList(*n, &notify.to) && notify.to.empty()) {
          diags_.Add(n->pos, "notify needs at least one recipient");
        }
      }
      map.Finish();
      *action = std::move(notify);
    } else if (kind == "capture") {
      *action = DecodeCapture(body);
    } else if (kind == "check") {
      *action = DecodeCheck(body);
    } else if (kind == "wait") {
      MapReader map(body, diags_, "wait action");
      WaitAction wait;
      if (const YamlNode* n = map.Require("duration")) {
        catalog::ReadDuration(*n, diags_, &wait.duration_ms);
      }
      map.Finish();
      *action = wait;
    } else if (kind == "diagnose") {
      DiagnoseConfig diagnose;
      DecodeDiagnose(body, &diagnose);
      *action = std::move(diagnose);
    } else {
      diags_.Add(node.key_pos[0], fmt::format("unknown action \"{}\" (one of: manual, http, "
                                              "command, notify, capture, check, wait, diagnose)",
                                              kind));
    }
  }

  HttpAction DecodeHttp(const YamlNode& node) {
    static constexpr std::pair<std::string_view, int> kMethods[] = {
        {"GET", 0}, {"POST", 1}, {"PUT", 2}, {"PATCH", 3}, {"DELETE", 4}};
    MapReader map(node, diags_, "http action");
    HttpAction http;
    if (const YamlNode* n = map.Get("method")) {
      int method = 1;
      if (Enum_(*n, kMethods, &method)) http.method = std::string(kMethods[method].first);
    }
    if (const YamlNode* n = map.Require("url")) Str(*n, &http.url);
    if (const YamlNode* n = map.Get("headers")) {
      if (catalog::ReadStringMap(*n, diags_, &http.headers)) {
        for (size_t i = 0; i < n->keys.size(); ++i) {
          if (n->items[i].scalar.find("{{") != std::string::npos) {
            out_->templates.push_back({n->items[i].scalar, n->items[i].pos});
          }
        }
      }
    }
    const YamlNode* json = map.Get("json");
    const YamlNode* body = map.Get("body");
    if (json != nullptr && body != nullptr) {
      diags_.Add(body->pos, "http action takes json or body, not both");
    }
    if (json != nullptr) {
      nlohmann::json value;
      if (ToJson(*json, &value)) http.json = std::move(value);
    }
    if (body != nullptr) Str(*body, &http.body);
    if (const YamlNode* n = map.Get("timeout")) catalog::ReadDuration(*n, diags_, &http.timeout_ms);
    if (const YamlNode* n = map.Get("retries")) {
      std::int64_t retries = 0;
      if (catalog::ReadInt(*n, diags_, 0, 10, &retries)) http.retries = static_cast<int>(retries);
    }
    if (const YamlNode* n = map.Get("expect_status")) {
      ForEach(*n, "HTTP status codes", [&](const YamlNode& item) {
        std::int64_t code = 0;
        if (catalog::ReadInt(item, diags_, 100, 599, &code)) {
          http.expect_status.push_back(static_cast<int>(code));
        }
      });
    }
    map.Finish();
    return http;
  }

  // ToJson converts a YAML subtree into JSON for an HTTP body. Plain scalars become JSON
  // numbers/booleans/null only in their canonical forms; YAML 1.1 ambiguity is an error.
  bool ToJson(const YamlNode& node, nlohmann::json* out) {
    switch (node.kind) {
      case YamlNode::Kind::kNull:
        *out = nullptr;
        return true;
      case YamlNode::Kind::kSequence: {
        *out = nlohmann::json::array();
        bool ok = true;
        for (const YamlNode& item : node.items) {
          nlohmann::json value;
          ok &= ToJson(item, &value);
          out->push_back(std::move(value));
        }
        return ok;
      }
      case YamlNode::Kind::kMap: {
        *out = nlohmann::json::object();
        bool ok = true;
        for (size_t i = 0; i < node.keys.size(); ++i) {
          if (node.keys[i].find("{{") != std::string::npos) {
            out_->templates.push_back({node.keys[i], node.key_pos[i]});
          }
          nlohmann::json value;
          ok &= ToJson(node.items[i], &value);
          (*out)[node.keys[i]] = std::move(value);
        }
        return ok;
      }
      case YamlNode::Kind::kScalar:
        break;
    }
    if (node.plain) {
      if (node.scalar == "true" || node.scalar == "false") {
        *out = node.scalar == "true";
        return true;
      }
      std::int64_t integer = 0;
      catalog::Diagnostics scratch("");
      if (catalog::ReadInt(node, scratch, INT64_MIN / 2, INT64_MAX / 2, &integer)) {
        *out = integer;
        return true;
      }
      double number = 0;
      if (catalog::Yaml11Ambiguity(node.scalar) == "YAML reads it as a float" &&
          catalog::ReadDouble(node, scratch, &number)) {
        *out = number;
        return true;
      }
    }
    std::string text;
    if (!Str(node, &text)) return false;
    *out = std::move(text);
    return true;
  }

  CommandAction DecodeCommand(const YamlNode& node) {
    MapReader map(node, diags_, "command action");
    CommandAction command;
    if (const YamlNode* n = map.Require("argv")) {
      if (StrList(*n, &command.argv) && command.argv.empty()) {
        diags_.Add(n->pos, "argv must name a program");
      }
    }
    if (const YamlNode* n = map.Get("timeout")) {
      catalog::ReadDuration(*n, diags_, &command.timeout_ms);
    }
    if (const YamlNode* n = map.Get("env")) StrList(*n, &command.env);
    if (const YamlNode* n = map.Get("cwd")) Str(*n, &command.cwd);
    map.Finish();
    return command;
  }

  CaptureAction DecodeCapture(const YamlNode& node) {
    CaptureAction capture;
    ForEach(node, "capture sources", [&](const YamlNode& item) {
      MapReader map(item, diags_, "capture source");
      CaptureSource source;
      const YamlNode* prometheus = map.Get("prometheus");
      const YamlNode* http = map.Get("http");
      const YamlNode* command = map.Get("command");
      const int kinds = (prometheus != nullptr) + (http != nullptr) + (command != nullptr);
      if (kinds != 1) {
        diags_.Add(item.pos, "capture source needs exactly one of: prometheus, http, command");
      }
      if (prometheus != nullptr) {
        source.kind = CaptureSource::Kind::kPrometheus;
        Str(*prometheus, &source.query);
      }
      if (const YamlNode* n = map.Get("range")) {
        if (prometheus == nullptr) diags_.Add(n->pos, "range only applies to prometheus");
        catalog::ReadDuration(*n, diags_, &source.range_ms);
      }
      if (http != nullptr) {
        source.kind = CaptureSource::Kind::kHttp;
        Str(*http, &source.url);
      }
      if (command != nullptr) {
        source.kind = CaptureSource::Kind::kCommand;
        StrList(*command, &source.argv);
      }
      if (const YamlNode* n = map.Get("name")) Str(*n, &source.name);
      map.Finish();
      if (source.name.empty()) {
        static constexpr const char* kKinds[] = {"prometheus", "http", "command"};
        source.name = fmt::format("{}-{}", kKinds[static_cast<int>(source.kind)],
                                  capture.sources.size() + 1);
      }
      capture.sources.push_back(std::move(source));
    });
    if (node.kind == YamlNode::Kind::kSequence && capture.sources.empty()) {
      diags_.Add(node.pos, "capture needs at least one source");
    }
    return capture;
  }

  CheckAction DecodeCheck(const YamlNode& node) {
    MapReader map(node, diags_, "check action");
    CheckAction check;
    const YamlNode* prometheus = map.Get("prometheus");
    const YamlNode* http = map.Get("http");
    if ((prometheus != nullptr) == (http != nullptr)) {
      diags_.Add(node.pos, "check needs exactly one of: prometheus, http");
    }
    if (prometheus != nullptr) Str(*prometheus, &check.prometheus);
    if (http != nullptr) Str(*http, &check.http_url);
    if (const YamlNode* n = map.Get("condition")) Str(*n, &check.condition);
    if (const YamlNode* n = map.Get("for")) catalog::ReadDuration(*n, diags_, &check.for_ms);
    if (const YamlNode* n = map.Get("timeout")) {
      catalog::ReadDuration(*n, diags_, &check.timeout_ms);
    }
    if (const YamlNode* n = map.Get("interval")) {
      catalog::ReadDuration(*n, diags_, &check.interval_ms);
    }
    map.Finish();
    return check;
  }

  void DecodeDiagnose(const YamlNode& node, DiagnoseConfig* diagnose) {
    static constexpr std::pair<std::string_view, int> kMethods[] = {
        {"psi", 0}, {"ks", 1}, {"wasserstein", 2}, {"js", 3}};
    MapReader map(node, diags_, "diagnose");
    if (const YamlNode* n = map.Get("drift")) {
      MapReader drift_map(*n, diags_, "drift");
      DriftConfig drift;
      if (const YamlNode* v = drift_map.Require("reference")) Str(*v, &drift.reference);
      if (const YamlNode* v = drift_map.Require("current")) Str(*v, &drift.current);
      if (const YamlNode* v = drift_map.Get("features")) StrList(*v, &drift.features);
      if (const YamlNode* v = drift_map.Get("method")) {
        int method = 0;
        if (Enum_(*v, kMethods, &method)) drift.method = std::string(kMethods[method].first);
      }
      if (const YamlNode* v = drift_map.Get("threshold")) {
        catalog::ReadDouble(*v, diags_, &drift.threshold);
      }
      drift_map.Finish();
      diagnose->drift = std::move(drift);
    }
    if (const YamlNode* n = map.Get("regression")) {
      MapReader regression_map(*n, diags_, "regression");
      RegressionConfig regression;
      if (const YamlNode* v = regression_map.Require("metric")) Str(*v, &regression.metric);
      if (const YamlNode* v = regression_map.Require("baseline")) {
        catalog::ReadDouble(*v, diags_, &regression.baseline);
      }
      if (const YamlNode* v = regression_map.Require("tolerance")) {
        catalog::ReadDouble(*v, diags_, &regression.tolerance);
      }
      if (const YamlNode* v = regression_map.Get("source")) Str(*v, &regression.source);
      regression_map.Finish();
      diagnose->regression = std::move(regression);
    }
    if (const YamlNode* n = map.Get("infrastructure")) {
      MapReader infra_map(*n, diags_, "infrastructure");
      InfrastructureConfig infra;
      if (const YamlNode* v = infra_map.Require("prometheus")) StrList(*v, &infra.prometheus);
      infra_map.Finish();
      diagnose->infrastructure = std::move(infra);
    }
    if (const YamlNode* n = map.Get("deployments")) {
      catalog::ReadBool(*n, diags_, &diagnose->deployments);
    }
    map.Finish();
  }

  Diagnostics& diags_;
  Runbook* out_;
};

}  // namespace

bool ParseRunbook(std::string_view text, const catalog::YamlLimits& limits, Diagnostics& diags,
                  Runbook* out) {
  catalog::YamlNode root;
  if (!catalog::ParseStrictYaml(text, limits, diags, &root)) return false;
  Decoder decoder(diags, out);
  decoder.DecodeRoot(root);
  out->source_path = diags.source();
  out->source_text = std::string(text);
  out->content_hash = Sha256Hex(text);
  return diags.empty();
}

Result<Runbook> ParseRunbook(std::string_view text, std::string_view source,
                             const catalog::YamlLimits& limits) {
  Diagnostics diags{std::string(source)};
  Runbook runbook;
  if (!ParseRunbook(text, limits, diags, &runbook)) return diags.ToStatus();
  return runbook;
}

Result<Runbook> LoadRunbookFile(const std::filesystem::path& path,
                                const catalog::YamlLimits& limits) {
  VAKT_ASSIGN_OR_RETURN(std::string text, catalog::ReadFileCapped(path, limits.max_bytes));
  return ParseRunbook(text, path.string(), limits);
}

Result<std::vector<std::filesystem::path>> RunbookFiles(
    const std::vector<std::filesystem::path>& paths) {
  std::set<std::filesystem::path> files;
  for (const auto& path : paths) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::filesystem::recursive_directory_iterator it(path, error), end;
      for (; !error && it != end; it.increment(error)) {
        const auto ext = it->path().extension();
        if (it->is_regular_file(error) && (ext == ".yaml" || ext == ".yml")) {
          files.insert(it->path().lexically_normal());
        }
      }
      if (error) return Status::NotFound(fmt::format("{}: {}", path.string(), error.message()));
    } else if (std::filesystem::exists(path, error)) {
      files.insert(path.lexically_normal());
    } else {
      return Status::NotFound(fmt::format("{}: no such file or directory", path.string()));
    }
  }
  return std::vector<std::filesystem::path>(files.begin(), files.end());
}

Result<RunbookSet> LoadRunbookSet(const std::vector<std::filesystem::path>& paths,
                                  const catalog::YamlLimits& limits) {
  VAKT_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, RunbookFiles(paths));
  std::vector<Runbook> runbooks;
  std::string problems;
  for (const auto& file : files) {
    Result<Runbook> runbook = LoadRunbookFile(file, limits);
    if (runbook.ok()) {
      runbooks.push_back(std::move(runbook).value());
    } else {
      problems += (problems.empty() ? "" : "\n") + runbook.status().message();
    }
  }
  if (!problems.empty()) return Status::InvalidArgument(std::move(problems));
  return RunbookSet::Create(std::move(runbooks));
}

}  // namespace vakt::runbook
