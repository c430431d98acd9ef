#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "common/time_format.h"

// `vakt drill run RUNBOOK [--scenario drift|regression|infra]`, `vakt drill scoreboard` and
// `vakt drill schedule add|list|rm`.
namespace vakt::cli {
namespace {

struct DrillFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string runbook;
  std::string scenario = "drift";
  std::string since = "30d";
  std::string format = "text";
  // drill schedule add
  std::string every = "weekly";
  std::string weekday;
  std::string at;
  std::string time_zone;
  std::int64_t schedule_id = 0;
};

std::optional<nlohmann::json> Call(const DrillFlags& flags, const std::string& method,
                                   const std::string& path, const std::string& body,
                                   int& exit_code) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt drill: " << client.status().message() << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  auto response = method == "GET"      ? client->Get(path)
                  : method == "DELETE" ? client->Delete(path)
                                       : client->Post(path, body);
  if (!response.ok() || response->status >= 300) {
    std::cerr << "vakt drill: "
              << (response.ok() ? ProblemText(*response) : response.status().message()) << "\n";
    exit_code = response.ok() && (response->status == 400 || response->status == 404)
                    ? kExitUsage
                    : kExitFailure;
    return std::nullopt;
  }
  if (response->body.empty()) return nlohmann::json::object();  // 204
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  if (json.is_discarded()) {
    std::cerr << "vakt drill: the server answered with invalid JSON\n";
    exit_code = kExitFailure;
    return std::nullopt;
  }
  return json;
}

std::string Cell(const nlohmann::json& score) {
  if (!score["ms"].is_number_integer()) return "-";
  std::int64_t seconds = score["ms"].get<std::int64_t>() / 1000;
  return fmt::format("{}m{:02}s{}", seconds / 60, seconds % 60, score["met"] == true ? "" : "!");
}

}  // namespace

void AddDrillCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<DrillFlags>();
  auto* drill =
      app.add_subcommand("drill", "Rehearse runbooks: drill incidents and their scoreboard");
  drill->require_subcommand(1);
  auto* run = drill->add_subcommand("run", "Open a drill incident for a runbook (actions dry-run)");
  run->add_option("runbook", flags->runbook, "Runbook id")->required();
  run->add_option("--scenario", flags->scenario, "drift, regression or infra")
      ->check(CLI::IsMember({"drift", "regression", "infra"}));
  auto* scoreboard = drill->add_subcommand("scoreboard", "Drill response times against targets");
  scoreboard->add_option("--since", flags->since, "Window, e.g. 30d");
  auto* schedule = drill->add_subcommand("schedule", "Recurring drills in a time zone");
  schedule->require_subcommand(1);
  auto* add = schedule->add_subcommand("add", "Schedule a recurring drill of a runbook");
  add->add_option("runbook", flags->runbook, "Runbook id")->required();
  add->add_option("--scenario", flags->scenario, "drift, regression or infra")
      ->check(CLI::IsMember({"drift", "regression", "infra"}));
  add->add_option("--every", flags->every, "daily or weekly")
      ->check(CLI::IsMember({"daily", "weekly"}));
  add->add_option("--weekday", flags->weekday, "monday … sunday (weekly)");
  add->add_option("--at", flags->at, "Local time HH:MM")->required();
  add->add_option("--time-zone", flags->time_zone, "IANA time zone, e.g. Europe/Oslo")->required();
  auto* list = schedule->add_subcommand("list", "List drill schedules");
  auto* remove = schedule->add_subcommand("rm", "Delete a drill schedule");
  remove->add_option("id", flags->schedule_id, "Schedule id")->required();
  for (auto* command : {run, scoreboard, add, list, remove}) {
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
    command->add_option("--format", flags->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
  }
  run->callback([flags, &exit_code] {
    exit_code = kExitOk;
    nlohmann::json body = {{"runbook", flags->runbook}, {"scenario", flags->scenario}};
    auto started = Call(*flags, "POST", "/api/v1/drills", body.dump(), exit_code);
    if (!started) return;
    if (flags->format == "json") {
      std::cout << started->dump(2) << "\n";
    } else {
      std::cout << fmt::format("{} opened: {}\n", (*started)["id"].get<std::string>(),
                               (*started)["title"].get<std::string>());
    }
  });
  scoreboard->callback([flags, &exit_code] {
    exit_code = kExitOk;
    auto board =
        Call(*flags, "GET", "/api/v1/drills/scoreboard?since=" + flags->since, "", exit_code);
    if (!board) return;
    if (flags->format == "json") {
      std::cout << board->dump(2) << "\n";
      return;
    }
    std::cout << fmt::format("{:<8} {:<26} {:<10} {:<10} {:<10} {:<10} {}\n", "DRILL", "RUNBOOK",
                             "SCENARIO", "ACK", "STABILISE", "RESOLVE", "SKIPPED/FAILED");
    for (const auto& row : (*board)["drills"]) {
      std::cout << fmt::format(
          "{:<8} {:<26} {:<10} {:<10} {:<10} {:<10} {}/{}\n", row["incident"].get<std::string>(),
          row["runbook_id"].get<std::string>(), row["scenario"].get<std::string>(),
          Cell(row["acknowledge"]), Cell(row["stabilise"]), Cell(row["resolve"]),
          row["steps_skipped"].get<int>(), row["steps_failed"].get<int>());
    }
  });
  add->callback([flags, &exit_code] {
    exit_code = kExitOk;
    nlohmann::json body = {{"runbook", flags->runbook},
                           {"scenario", flags->scenario},
                           {"every", flags->every},
                           {"at", flags->at},
                           {"time_zone", flags->time_zone}};
    if (!flags->weekday.empty()) body["weekday"] = flags->weekday;
    auto created = Call(*flags, "POST", "/api/v1/drills/schedules", body.dump(), exit_code);
    if (!created) return;
    if (flags->format == "json") {
      std::cout << created->dump(2) << "\n";
      return;
    }
    std::cout << fmt::format("drill schedule {} added: {} next at {} ({} ms)\n",
                             (*created)["id"].get<std::int64_t>(),
                             (*created)["runbook"].get<std::string>(),
                             FormatRfc3339((*created)["next_run_at"].get<std::int64_t>()),
                             (*created)["next_run_at"].get<std::int64_t>());
  });
  list->callback([flags, &exit_code] {
    exit_code = kExitOk;
    auto listed = Call(*flags, "GET", "/api/v1/drills/schedules", "", exit_code);
    if (!listed) return;
    if (flags->format == "json") {
      std::cout << listed->dump(2) << "\n";
      return;
    }
    std::cout << fmt::format("{:<4} {:<26} {:<10} {:<18} {:<18} {}\n", "ID", "RUNBOOK", "SCENARIO",
                             "WHEN", "TIME ZONE", "NEXT RUN (UTC)");
    for (const auto& row : (*listed)["schedules"]) {
      std::string when = row["every"] == "weekly" ? row["weekday"].get<std::string>() + " " +
                                                        row["at"].get<std::string>()
                                                  : "daily " + row["at"].get<std::string>();
      std::cout << fmt::format("{:<4} {:<26} {:<10} {:<18} {:<18} {}\n",
                               row["id"].get<std::int64_t>(), row["runbook"].get<std::string>(),
                               row["scenario"].get<std::string>(), when,
                               row["time_zone"].get<std::string>(),
                               FormatRfc3339(row["next_run_at"].get<std::int64_t>()));
    }
  });
  remove->callback([flags, &exit_code] {
    exit_code = kExitOk;
    auto removed =
        Call(*flags, "DELETE", "/api/v1/drills/schedules/" + std::to_string(flags->schedule_id), "",
             exit_code);
    if (!removed) return;
    std::cout << fmt::format("drill schedule {} deleted\n", flags->schedule_id);
  });
}

}  // namespace vakt::cli
