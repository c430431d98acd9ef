// `vakt oncall ...`: who is on call, escalation simulation (from a policy, or from an alert
// through runbook routing), coverage report and iCalendar export, all computed locally from an
// on-call YAML file and the runbooks (the same pure code the server runs).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "common/time_format.h"
#include "dispatch/runbook_matcher.h"
#include "escalation/escalation_engine.h"
#include "escalation/policy.h"
#include "oncall/coverage_report.h"
#include "oncall/ical_export.h"
#include "runbook/loader.h"

namespace vakt::cli {
namespace {

struct OncallFlags {
  std::string config = "examples/oncall.yaml";
  std::string schedule;
  std::string policy;
  std::string at = "now";
  std::string from = "now";
  std::string to;
  int weeks = 4;
  double max_hours = 60;
  std::string min_rest = "8h";
  std::string alert;  // "alertname=X,case=y": simulate through runbook routing
  std::string runbooks = "examples/runbooks";
};

// ParseAlertLabels reads "name=value,name=value" (values may be double-quoted; no commas inside).
Result<LabelSet> ParseAlertLabels(const std::string& text) {
  LabelSet labels;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string pair = text.substr(start, end - start);
    const size_t equals = pair.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Status::InvalidArgument("--alert: \"" + pair + "\" is not name=value");
    }
    std::string value = pair.substr(equals + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    labels[pair.substr(0, equals)] = value;
    start = end + 1;
  }
  if (labels.empty()) return Status::InvalidArgument("--alert: no labels");
  return labels;
}

// PolicyForAlert routes `labels` through the runbooks like the server does and returns the
// escalation policy of the first selected runbook that names one.
Result<std::string> PolicyForAlert(const OncallFlags& flags) {
  VAKT_ASSIGN_OR_RETURN(LabelSet labels, ParseAlertLabels(flags.alert));
  VAKT_ASSIGN_OR_RETURN(runbook::RunbookSet set,
                        runbook::LoadRunbookSet({std::filesystem::path(flags.runbooks)}));
  const dispatch::RunbookMatcher matcher =
      dispatch::RunbookMatcher::Build(std::make_shared<const runbook::RunbookSet>(std::move(set)));
  const std::vector<const runbook::Runbook*> selected = matcher.Match(labels);
  if (selected.empty()) {
    return Status::NotFound("--alert: no runbook selects this alert, so nobody is paged");
  }
  for (const runbook::Runbook* found : selected) {
    if (!found->detection.escalation.empty()) {
      std::cout << fmt::format("alert {} -> runbook {} -> escalation policy {}\n", flags.alert,
                               found->id(), found->detection.escalation);
      return found->detection.escalation;
    }
  }
  return Status::NotFound("--alert: runbook " + selected.front()->id() +
                          " names no escalation policy, so nobody is paged");
}

Result<TimeMs> ParseInstant(const std::string& text) {
  if (text == "now") return SystemClock::Default().NowMs();
  return ParseRfc3339(text);
}

// Load prints the error and returns null when the config is invalid.
std::unique_ptr<escalation::OncallConfig> Load(const OncallFlags& flags) {
  Result<escalation::OncallConfig> config = escalation::LoadOncallConfig(flags.config);
  if (!config.ok()) {
    std::cerr << "vakt oncall: " << config.status().ToString() << "\n";
    return nullptr;
  }
  return std::make_unique<escalation::OncallConfig>(std::move(*config));
}

int Fail(const Status& status) {
  std::cerr << "vakt oncall: " << status.ToString() << "\n";
  return kExitUsage;
}

std::string UserLabel(const oncall::Directory& directory, const std::string& id) {
  const oncall::User* user = directory.FindUser(id);
  return user && user->name != id ? fmt::format("{} ({})", id, user->name) : id;
}

int RunWho(const OncallFlags& flags) {
  auto config = Load(flags);
  if (!config) return kExitUsage;
  Result<TimeMs> at = ParseInstant(flags.at);
  if (!at.ok()) return Fail(at.status());
  const oncall::Schedule* schedule = config->directory.FindSchedule(flags.schedule);
  if (schedule == nullptr) return Fail(Status::NotFound("no schedule \"" + flags.schedule + "\""));
  const std::vector<std::string> users = oncall::WhoIsOnCall(*schedule, *at);
  std::cout << fmt::format("{} at {} ({}):\n", schedule->id, FormatRfc3339(*at),
                           oncall::FormatLocal(schedule->time_zone, *at));
  if (users.empty()) {
    std::cout << "  nobody (gap)\n";
    return kExitFailure;
  }
  for (const std::string& user : users) std::cout << "  " << UserLabel(config->directory, user) << "\n";
  return kExitOk;
}

int RunSimulate(const OncallFlags& flags) {
  auto config = Load(flags);
  if (!config) return kExitUsage;
  Result<TimeMs> at = ParseInstant(flags.at);
  if (!at.ok()) return Fail(at.status());
  std::string policy_id = flags.policy;
  if (!flags.alert.empty()) {
    Result<std::string> routed = PolicyForAlert(flags);
    if (!routed.ok()) {
      std::cerr << "vakt oncall: " << routed.status().ToString() << "\n";
      return routed.status().code() == StatusCode::kNotFound ? kExitFailure : kExitUsage;
    }
    policy_id = *routed;
  } else if (policy_id.empty()) {
    return Fail(Status::InvalidArgument("give --policy or --alert"));
  }
  const escalation::EscalationPolicy* policy = config->FindPolicy(policy_id);
  if (policy == nullptr)
    return Fail(Status::NotFound("no escalation policy \"" + policy_id + "\""));
  const escalation::DirectoryResolver resolver(config->directory);
  std::cout << fmt::format("policy {} for an incident triggered at {} that nobody acknowledges:\n",
                           policy->id, FormatRfc3339(*at));
  for (const escalation::StepResult& step : escalation::SimulateEscalation(*policy, resolver, *at)) {
    for (const std::string& note : step.notes) std::cout << "  note: " << note << "\n";
    for (const escalation::PageIntent& page : step.pages) {
      const oncall::User* user = config->directory.FindUser(page.user);
      std::string contacts;
      if (user != nullptr) {
        for (const oncall::PlannedContact& contact : oncall::PlanNotifications(*user, page.fired_at)) {
          contacts += fmt::format(" {}+{}", oncall::ContactKindName(contact.kind),
                                  FormatDuration(contact.at - page.fired_at));
        }
      }
      std::cout << fmt::format("  +{:<7} {}  level {} loop {}  {:<28} via {:<36} [{}]\n",
                               FormatDuration(page.fired_at - *at), FormatRfc3339(page.fired_at), page.level + 1,
                               page.loop, UserLabel(config->directory, page.user), page.target, contacts.empty() ? "" : contacts.substr(1));
    }
  }
  return kExitOk;
}

int RunReport(const OncallFlags& flags) {
  auto config = Load(flags);
  if (!config) return kExitUsage;
  Result<TimeMs> from = ParseInstant(flags.from);
  if (!from.ok()) return Fail(from.status());
  Result<TimeMs> min_rest = ParseDuration(flags.min_rest);
  if (!min_rest.ok()) return Fail(min_rest.status());
  if (flags.weeks < 1 || flags.weeks > 104) return Fail(Status::InvalidArgument("--weeks must be 1..104"));
  std::vector<const oncall::Schedule*> schedules;
  for (const auto& [id, schedule] : config->directory.schedules()) {
    if (flags.schedule.empty() || flags.schedule == id) schedules.push_back(&schedule);
  }
  if (schedules.empty()) return Fail(Status::NotFound("no schedule \"" + flags.schedule + "\""));
  oncall::CoverageOptions options;
  options.max_hours_per_week = static_cast<TimeMs>(flags.max_hours);
  options.min_rest_ms = *min_rest;
  const TimeMs to = *from + static_cast<TimeMs>(flags.weeks) * 7 * 86'400'000LL;
  const oncall::CoverageReport report = oncall::BuildCoverageReport(schedules, *from, to, options);
  std::cout << oncall::FormatCoverageReport(report);
  return report.gaps.empty() && report.overloads.empty() ? kExitOk : kExitFailure;
}

int RunIcal(const OncallFlags& flags) {
  auto config = Load(flags);
  if (!config) return kExitUsage;
  Result<TimeMs> from = ParseInstant(flags.from);
  if (!from.ok()) return Fail(from.status());
  Result<TimeMs> to = flags.to.empty() ? Result<TimeMs>(*from + 28 * 86'400'000LL) : ParseInstant(flags.to);
  if (!to.ok()) return Fail(to.status());
  if (*to <= *from) return Fail(Status::InvalidArgument("--to must be after --from"));
  const oncall::Schedule* schedule = config->directory.FindSchedule(flags.schedule);
  if (schedule == nullptr) return Fail(Status::NotFound("no schedule \"" + flags.schedule + "\""));
  std::cout << oncall::ExportICalendar(*schedule, oncall::FinalSchedule(*schedule, *from, *to),
                                       &config->directory, SystemClock::Default().NowMs());
  return kExitOk;
}

}  // namespace

void AddOncallCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<OncallFlags>();
  auto* oncall = app.add_subcommand("oncall", "On-call schedules and escalation (local, from a YAML file)");
  oncall->require_subcommand(1);
  auto add_config = [flags](CLI::App* command) {
    command->add_option("--config", flags->config, "On-call YAML file")->capture_default_str();
  };

  auto* who = oncall->add_subcommand("who", "Who is on call in a schedule at a time");
  who->add_option("--schedule", flags->schedule, "Schedule id")->required();
  who->add_option("--at", flags->at, "RFC 3339 time or 'now'")->capture_default_str();
  add_config(who);
  who->callback([flags, &exit_code] { exit_code = RunWho(*flags); });

  auto* simulate = oncall->add_subcommand("simulate", "Who gets paged, level by level, for an incident at T");
  simulate->add_option("--policy", flags->policy, "Escalation policy id");
  simulate->add_option("--alert", flags->alert,
                       "Alert labels name=value,...: route through the runbooks to their policy");
  simulate->add_option("--runbooks", flags->runbooks, "Runbook directory for --alert")
      ->capture_default_str();
  simulate->add_option("--at", flags->at, "Trigger time, RFC 3339 or 'now'")->capture_default_str();
  add_config(simulate);
  simulate->callback([flags, &exit_code] { exit_code = RunSimulate(*flags); });

  auto* report = oncall->add_subcommand("report", "Gaps and overload over the next N weeks (exit 1 if any)");
  report->add_option("--weeks", flags->weeks, "Weeks to cover")->capture_default_str();
  report->add_option("--from", flags->from, "Start, RFC 3339 or 'now'")->capture_default_str();
  report->add_option("--schedule", flags->schedule, "Only this schedule (default: all)");
  report->add_option("--max-hours", flags->max_hours, "Overload above this many hours per week")->capture_default_str();
  report->add_option("--min-rest", flags->min_rest, "Back to back below this rest")->capture_default_str();
  add_config(report);
  report->callback([flags, &exit_code] { exit_code = RunReport(*flags); });

  auto* ical = oncall->add_subcommand("ical", "Export a schedule's shifts as iCalendar (RFC 5545)");
  ical->add_option("--schedule", flags->schedule, "Schedule id")->required();
  ical->add_option("--from", flags->from, "Start, RFC 3339 or 'now'")->capture_default_str();
  ical->add_option("--to", flags->to, "End, RFC 3339 (default: from + 28 days)");
  add_config(ical);
  ical->callback([flags, &exit_code] { exit_code = RunIcal(*flags); });
}

}  // namespace vakt::cli
