#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"

// `vakt report response --since 30d`: MTTA / MTTR percentiles, drills apart, over the REST API.
namespace vakt::cli {
namespace {

struct ReportFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string since = "30d";
  std::string format = "text";
};

std::string Ms(const nlohmann::json& value) {
  if (!value.is_number_integer()) return "-";
  std::int64_t seconds = value.get<std::int64_t>() / 1000;
  return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
}

void PrintGroup(const std::string& name, const nlohmann::json& stats) {
  std::cout << fmt::format("  {:<32} {:>5} {:>10} {:>10} {:>10} {:>10}\n", name,
                           stats["incidents"].get<int>(), Ms(stats["mtta_p50_ms"]),
                           Ms(stats["mtta_p90_ms"]), Ms(stats["mttr_p50_ms"]), Ms(stats["mttr_p90_ms"]));
}

int Response(const ReportFlags& flags) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt report: " << client.status().message() << "\n";
    return kExitUsage;
  }
  auto response = client->Get("/api/v1/reports/response?since=" + flags.since);
  if (!response.ok() || response->status >= 300) {
    std::cerr << "vakt report: " << (response.ok() ? ProblemText(*response) : response.status().message())
              << "\n";
    return response.ok() && response->status == 400 ? kExitUsage : kExitFailure;
  }
  auto report = nlohmann::json::parse(response->body, nullptr, false);
  if (report.is_discarded()) {
    std::cerr << "vakt report: the server answered with invalid JSON\n";
    return kExitFailure;
  }
  if (flags.format == "json") {
    std::cout << report.dump(2) << "\n";
    return kExitOk;
  }
  for (const char* kind : {"incidents", "drills"}) {
    const auto& section = report[kind];
    std::cout << fmt::format("{} (last {})\n  {:<32} {:>5} {:>10} {:>10} {:>10} {:>10}\n", kind,
                             flags.since, "", "N", "MTTA p50", "MTTA p90", "MTTR p50", "MTTR p90");
    PrintGroup("all", section["overall"]);
    for (const char* group : {"by_pipeline", "by_runbook", "by_team", "by_severity"}) {
      for (const auto& [name, stats] : section[group].items()) {
        PrintGroup(std::string(group).substr(3) + " " + name, stats);
      }
    }
    std::cout << "\n";
  }
  for (const auto& step : report["runbook_effectiveness"]) {
    if (step["flags"].empty()) continue;
    std::cout << fmt::format("step {}/{}: {}\n", step["runbook_id"].get<std::string>(),
                             step["step_id"].get<std::string>(), step["flags"].dump());
  }
  return kExitOk;
}

}  // namespace

void AddReportCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ReportFlags>();
  auto* report = app.add_subcommand("report", "Reports computed from the stored records");
  report->require_subcommand(1);
  auto* response = report->add_subcommand("response", "MTTA and MTTR p50/p90 by pipeline, runbook, team, severity");
  response->add_option("--since", flags->since, "Window, e.g. 30d, 12h")->capture_default_str();
  response->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
  response->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  response->add_option("--format", flags->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  response->callback([flags, &exit_code] { exit_code = Response(*flags); });
}

}  // namespace vakt::cli
