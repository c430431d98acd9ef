#include "app/app_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <utility>

#include "common/file_read.h"
#include "common/time_format.h"

namespace vakt::app {
namespace {

std::string Where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return fmt::format("{}:{}:{}", path, mark.line + 1, mark.column + 1);
}

Status CheckKeys(const std::string& path, const YAML::Node& map,
                 const std::set<std::string>& allowed, const std::string& section) {
  if (!map.IsMap())
    return Status::InvalidArgument(Where(path, map) + ": " + section + " must be a mapping");
  for (const auto& entry : map) {
    std::string key = entry.first.as<std::string>();
    if (!allowed.contains(key)) {
      return Status::InvalidArgument(
          fmt::format("{}: unknown key \"{}\" in {}", Where(path, entry.first), key, section));
    }
  }
  return Status::Ok();
}

template <typename T>
Status Read(const std::string& path, const YAML::Node& node, T& out) {
  try {
    out = node.as<T>();
    return Status::Ok();
  } catch (const YAML::Exception&) {
    return Status::InvalidArgument(Where(path, node) + ": wrong type");
  }
}

Status ReadSize(const std::string& path, const YAML::Node& node, size_t& out) {
  long long value = 0;
  VAKT_RETURN_IF_ERROR(Read(path, node, value));
  if (value <= 0) return Status::InvalidArgument(Where(path, node) + ": must be a positive number");
  out = static_cast<size_t>(value);
  return Status::Ok();
}

}  // namespace

Status ParseListen(const std::string& listen, AppConfig& config) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("listen: expected host:port");
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    config.listen_port = port;
  } catch (const std::exception&) {
    return Status::InvalidArgument("listen: bad port in \"" + listen + "\"");
  }
  config.listen_host = listen.substr(0, colon);
  return Status::Ok();
}

Result<AppConfig> LoadAppConfig(const std::string& path) {
  AppConfig config;
  VAKT_ASSIGN_OR_RETURN(config.source_text, ReadFileToString(path));
  YAML::Node root;
  try {
    root = YAML::Load(config.source_text);
  } catch (const YAML::ParserException& error) {
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", path, error.mark.line + 1, error.mark.column + 1, error.msg));
  }
  if (root.IsNull()) return config;
  VAKT_RETURN_IF_ERROR(
      CheckKeys(path, root,
                {"listen", "database", "runbooks", "catalog", "oncall", "web", "data_dir",
                 "diagnose_data_dir", "prometheus_url", "durability", "ingest", "http", "log",
                 "audit", "notify", "retro", "drills", "actions", "evidence"},
                "vakt.yaml"));
  std::string text;
  if (root["listen"]) {
    VAKT_RETURN_IF_ERROR(Read(path, root["listen"], text));
    VAKT_RETURN_IF_ERROR(ParseListen(text, config).WithContext(Where(path, root["listen"])));
  }
  if (root["database"]) VAKT_RETURN_IF_ERROR(Read(path, root["database"], config.database_url));
  if (root["diagnose_data_dir"]) {
    VAKT_RETURN_IF_ERROR(Read(path, root["diagnose_data_dir"], config.diagnose_data_dir));
  }
  if (root["prometheus_url"]) {
    VAKT_RETURN_IF_ERROR(Read(path, root["prometheus_url"], config.prometheus_url));
    if (!config.prometheus_url.empty() && config.prometheus_url.rfind("http://", 0) != 0 &&
        config.prometheus_url.rfind("https://", 0) != 0) {
      return Status::InvalidArgument(Where(path, root["prometheus_url"]) +
                                     ": prometheus_url must start with http:// or https://");
    }
  }
  if (root["runbooks"]) VAKT_RETURN_IF_ERROR(Read(path, root["runbooks"], config.runbooks_dir));
  if (root["catalog"]) VAKT_RETURN_IF_ERROR(Read(path, root["catalog"], config.catalog_path));
  if (root["oncall"]) VAKT_RETURN_IF_ERROR(Read(path, root["oncall"], config.oncall_path));
  if (const YAML::Node notify = root["notify"]) {
    VAKT_RETURN_IF_ERROR(
        CheckKeys(path, notify,
                  {"templates", "webhook_secret", "smtp_url", "smtp_from", "slack_webhook_url",
                   "drill_webhook_url", "fallback_channel", "fallback_target"},
                  "notify"));
    const std::pair<const char*, std::string*> fields[] = {
        {"templates", &config.notify.templates_dir},
        {"webhook_secret", &config.notify.webhook_secret},
        {"smtp_url", &config.notify.smtp_url},
        {"smtp_from", &config.notify.smtp_from},
        {"slack_webhook_url", &config.notify.slack_webhook_url},
        {"drill_webhook_url", &config.notify.drill_webhook_url},
        {"fallback_channel", &config.notify.fallback_channel},
        {"fallback_target", &config.notify.fallback_target}};
    for (const auto& [key, slot] : fields) {
      if (notify[key]) VAKT_RETURN_IF_ERROR(Read(path, notify[key], *slot));
    }
    const std::string& fallback = config.notify.fallback_channel;
    if (!fallback.empty() && fallback != "webhook" && fallback != "slack" && fallback != "email") {
      return Status::InvalidArgument(Where(path, notify["fallback_channel"]) +
                                     ": notify.fallback_channel must be webhook, slack or email");
    }
  }
  if (root["web"]) VAKT_RETURN_IF_ERROR(Read(path, root["web"], config.web_dir));
  if (root["data_dir"]) VAKT_RETURN_IF_ERROR(Read(path, root["data_dir"], config.data_dir));
  if (root["durability"]) {
    VAKT_RETURN_IF_ERROR(Read(path, root["durability"], text));
    if (text == "full")
      config.durability = storage::DurabilityLevel::kFull;
    else if (text == "normal")
      config.durability = storage::DurabilityLevel::kNormal;
    else if (text == "off")
      config.durability = storage::DurabilityLevel::kOff;
    else
      return Status::InvalidArgument(Where(path, root["durability"]) +
                                     ": durability must be full, normal or off");
  }
  if (const YAML::Node ingest = root["ingest"]) {
    auto& limits = config.limits;
    // Every size setting of the ingest section, by its key in vakt.yaml.
    const std::pair<const char*, size_t*> sizes[] = {
        {"max_body_bytes", &limits.max_body_bytes},
        {"max_pagerduty_body_bytes", &limits.max_pagerduty_body_bytes},
        {"max_json_depth", &limits.max_json_depth},
        {"max_alerts_per_request", &limits.max_alerts_per_request},
        {"max_labels_per_alert", &limits.max_labels_per_alert},
        {"max_label_name_bytes", &limits.max_label_name_bytes},
        {"max_label_value_bytes", &limits.max_label_value_bytes},
        {"max_annotation_value_bytes", &limits.max_annotation_value_bytes},
        {"queue_capacity", &config.queue.capacity_alerts},
        {"max_batch", &config.queue.max_batch_alerts},
    };
    std::set<std::string> keys = {"resolve_timeout"};
    for (const auto& entry : sizes) keys.insert(entry.first);
    VAKT_RETURN_IF_ERROR(CheckKeys(path, ingest, keys, "ingest"));
    for (const auto& [key, field] : sizes) {
      if (ingest[key]) VAKT_RETURN_IF_ERROR(ReadSize(path, ingest[key], *field));
    }
    if (ingest["resolve_timeout"]) {
      VAKT_RETURN_IF_ERROR(Read(path, ingest["resolve_timeout"], text));
      auto duration = ParseDuration(text);
      if (!duration.ok())
        return Status::InvalidArgument(Where(path, ingest["resolve_timeout"]) + ": " +
                                       duration.status().message());
      limits.resolve_timeout_ms = *duration;
    }
  }
  if (const YAML::Node log = root["log"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(path, log, {"format", "level"}, "log"));
    if (log["format"]) VAKT_RETURN_IF_ERROR(Read(path, log["format"], config.log.format));
    if (log["level"]) VAKT_RETURN_IF_ERROR(Read(path, log["level"], config.log.level));
    VAKT_RETURN_IF_ERROR(ValidateLogOptions(config.log).WithContext(Where(path, log)));
  }
  if (const YAML::Node audit = root["audit"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(path, audit, {"origin", "checkpoint_interval"}, "audit"));
    if (audit["origin"]) VAKT_RETURN_IF_ERROR(Read(path, audit["origin"], config.audit_origin));
    if (config.audit_origin.empty() || config.audit_origin.find('\n') != std::string::npos) {
      return Status::InvalidArgument(Where(path, audit["origin"]) + ": origin must be one line");
    }
    if (audit["checkpoint_interval"]) {
      VAKT_RETURN_IF_ERROR(Read(path, audit["checkpoint_interval"], text));
      auto duration = ParseDuration(text);
      if (!duration.ok() || *duration < 1000) {
        return Status::InvalidArgument(Where(path, audit["checkpoint_interval"]) +
                                       ": checkpoint_interval must be a duration of at least 1s");
      }
      config.audit_checkpoint_interval_ms = *duration;
    }
  }
  if (const YAML::Node regulatory = root["regulatory"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(
        path, regulatory, {"warn_to", "warn_percent", "warn_lead", "warn_interval"}, "regulatory"));
    if (regulatory["warn_to"]) {
      VAKT_RETURN_IF_ERROR(Read(path, regulatory["warn_to"], config.regulatory_warn_to));
      for (const std::string& to : config.regulatory_warn_to) {
        const std::string channel = to.substr(0, to.find(':'));
        if (to.find(':') == std::string::npos || to.back() == ':' ||
            (channel != "email" && channel != "slack" && channel != "webhook")) {
          return Status::InvalidArgument(Where(path, regulatory["warn_to"]) + ": '" + to +
                                         "' must be email:ADDRESS, slack:URL or webhook:URL");
        }
      }
    }
    if (regulatory["warn_percent"]) {
      VAKT_RETURN_IF_ERROR(Read(path, regulatory["warn_percent"], config.regulatory_warn_percent));
      for (int percent : config.regulatory_warn_percent) {
        if (percent < 1 || percent > 99) {
          return Status::InvalidArgument(Where(path, regulatory["warn_percent"]) +
                                         ": warn_percent values must be 1..99");
        }
      }
    }
    if (regulatory["warn_lead"]) {
      std::vector<std::string> leads;
      VAKT_RETURN_IF_ERROR(Read(path, regulatory["warn_lead"], leads));
      config.regulatory_warn_lead_ms.clear();
      for (const std::string& lead : leads) {
        auto duration = ParseDuration(lead);
        if (!duration.ok() || *duration <= 0) {
          return Status::InvalidArgument(Where(path, regulatory["warn_lead"]) + ": '" + lead +
                                         "' is not a positive duration");
        }
        config.regulatory_warn_lead_ms.push_back(*duration);
      }
    }
    if (regulatory["warn_interval"]) {
      VAKT_RETURN_IF_ERROR(Read(path, regulatory["warn_interval"], text));
      auto duration = ParseDuration(text);
      if (!duration.ok() || *duration < 1000) {
        return Status::InvalidArgument(Where(path, regulatory["warn_interval"]) +
                                       ": warn_interval must be a duration of at least 1s");
      }
      config.regulatory_warn_interval_ms = *duration;
    }
  }
  if (const YAML::Node evidence_section = root["evidence"]) {
    VAKT_RETURN_IF_ERROR(
        CheckKeys(path, evidence_section, {"retention_classes", "sweep_interval"}, "evidence"));
    if (const YAML::Node classes = evidence_section["retention_classes"]) {
      if (!classes.IsMap()) {
        return Status::InvalidArgument(Where(path, classes) +
                                       ": retention_classes must map class names to days");
      }
      evidence::RetentionClasses parsed;
      for (const auto& entry : classes) {
        long long days = 0;
        VAKT_RETURN_IF_ERROR(Read(path, entry.second, days));
        if (days <= 0 || days > 36500) {
          return Status::InvalidArgument(Where(path, entry.second) +
                                         ": retention days must be 1..36500");
        }
        parsed[entry.first.as<std::string>()] = days * evidence::kDay;
      }
      Status valid = evidence::ValidateRetentionClasses(parsed);
      if (!valid.ok())
        return Status::InvalidArgument(Where(path, classes) + ": " + valid.message());
      config.evidence_retention_classes = std::move(parsed);
    }
    if (const YAML::Node interval = evidence_section["sweep_interval"]) {
      VAKT_RETURN_IF_ERROR(Read(path, interval, text));
      if (text == "off" || text == "0") {
        config.evidence_sweep_interval_ms = 0;
      } else {
        auto duration = ParseDuration(text);
        if (!duration.ok() || *duration < 60'000) {
          return Status::InvalidArgument(
              Where(path, interval) +
              ": sweep_interval must be off, 0 or a duration of at least 1m");
        }
        config.evidence_sweep_interval_ms = *duration;
      }
    }
  }
  if (const YAML::Node retro = root["retro"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(path, retro, {"required_for"}, "retro"));
    if (retro["required_for"]) {
      VAKT_RETURN_IF_ERROR(Read(path, retro["required_for"], config.retro_required_for));
    }
  }
  if (const YAML::Node actions = root["actions"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(path, actions, {"egress_allow", "lease_grace_ms"}, "actions"));
    if (actions["lease_grace_ms"]) {
      VAKT_RETURN_IF_ERROR(Read(path, actions["lease_grace_ms"], config.action_lease_grace_ms));
      if (config.action_lease_grace_ms < 0) {
        return Status::InvalidArgument(Where(path, actions["lease_grace_ms"]) +
                                       ": lease_grace_ms must not be negative");
      }
    }
    if (actions["egress_allow"]) {
      VAKT_RETURN_IF_ERROR(Read(path, actions["egress_allow"], config.action_egress_allow));
    }
  }
  if (const YAML::Node drills = root["drills"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(path, drills, {"targets"}, "drills"));
    if (const YAML::Node targets = drills["targets"]) {
      if (!targets.IsMap())
        return Status::InvalidArgument(Where(path, targets) +
                                       ": targets must map runbook ids (or default) to targets");
      for (const auto& entry : targets) {
        std::string runbook_id = entry.first.as<std::string>();
        VAKT_RETURN_IF_ERROR(CheckKeys(path, entry.second, {"acknowledge", "mitigate", "resolve"},
                                       "drills.targets." + runbook_id));
        AppConfig::DrillTarget target;
        const std::pair<const char*, std::int64_t*> fields[] = {
            {"acknowledge", &target.acknowledge_ms},
            {"mitigate", &target.mitigate_ms},
            {"resolve", &target.resolve_ms}};
        for (const auto& [key, slot] : fields) {
          if (!entry.second[key]) continue;
          VAKT_RETURN_IF_ERROR(Read(path, entry.second[key], text));
          auto duration = ParseDuration(text);
          if (!duration.ok() || *duration <= 0)
            return Status::InvalidArgument(Where(path, entry.second[key]) +
                                           ": must be a positive duration such as 5m");
          *slot = *duration;
        }
        config.drill_targets[runbook_id] = target;
      }
    }
  }
  if (const YAML::Node http = root["http"]) {
    VAKT_RETURN_IF_ERROR(CheckKeys(path, http, {"threads"}, "http"));
    if (http["threads"]) VAKT_RETURN_IF_ERROR(ReadSize(path, http["threads"], config.http_threads));
  }
  return config;
}

}  // namespace vakt::app
