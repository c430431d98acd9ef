#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"

// `vakt drill run RUNBOOK [--scenario drift|regression|infra]` and `vakt drill scoreboard`.
namespace vakt::cli {
namespace {

struct DrillFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string runbook;
  std::string scenario = "drift";
  std::string since = "30d";
  std::string format = "text";
};

std::optional<nlohmann::json> Call(const DrillFlags& flags, const std::string& method,
                                   const std::string& path, const std::string& body, int& exit_code) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt drill: " << client.status().message() << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  auto response = method == "GET" ? client->Get(path) : client->Post(path, body);
  if (!response.ok() || response->status >= 300) {
    std::cerr << "vakt drill: " << (response.ok() ? ProblemText(*response) : response.status().message())
              << "\n";
    exit_code = response.ok() && (response->status == 400 || response->status == 404) ? kExitUsage : kExitFailure;
    return std::nullopt;
  }
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
  auto* drill = app.add_subcommand("drill", "Rehearse runbooks: drill incidents and their scoreboard");
  drill->require_subcommand(1);
  auto* run = drill->add_subcommand("run", "Open a drill incident for a runbook (actions dry-run)");
  run->add_option("runbook", flags->runbook, "Runbook id")->required();
  run->add_option("--scenario", flags->scenario, "drift, regression or infra")
      ->check(CLI::IsMember({"drift", "regression", "infra"}));
  auto* scoreboard = drill->add_subcommand("scoreboard", "Drill response times against targets");
  scoreboard->add_option("--since", flags->since, "Window, e.g. 30d");
  for (auto* command : {run, scoreboard}) {
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
    command->add_option("--format", flags->format, "text or json")->check(CLI::IsMember({"text", "json"}));
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
    auto board = Call(*flags, "GET", "/api/v1/drills/scoreboard?since=" + flags->since, "", exit_code);
    if (!board) return;
    if (flags->format == "json") {
      std::cout << board->dump(2) << "\n";
      return;
    }
    std::cout << fmt::format("{:<8} {:<26} {:<10} {:<10} {:<10} {:<10} {}\n", "DRILL", "RUNBOOK",
                             "SCENARIO", "ACK", "STABILISE", "RESOLVE", "SKIPPED/FAILED");
    for (const auto& row : (*board)["drills"]) {
      std::cout << fmt::format("{:<8} {:<26} {:<10} {:<10} {:<10} {:<10} {}/{}\n",
                               row["incident"].get<std::string>(), row["runbook_id"].get<std::string>(),
                               row["scenario"].get<std::string>(), Cell(row["acknowledge"]),
                               Cell(row["stabilise"]), Cell(row["resolve"]),
                               row["steps_skipped"].get<int>(), row["steps_failed"].get<int>());
    }
  });
}

}  // namespace vakt::cli
