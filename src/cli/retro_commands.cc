#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/api_client.h"
#include "cli/commands.h"

// `vakt retro show|export INC-7`: an incident's retrospective, over the REST API.
namespace vakt::cli {
namespace {

struct RetroFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string id;
  std::string format = "text";
};

// Fetch GETs `path`; on failure prints the problem and sets `exit_code`.
std::optional<std::string> Fetch(const RetroFlags& flags, const std::string& path, int& exit_code) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt retro: " << client.status().message() << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  auto response = client->Get(path);
  if (!response.ok() || response->status >= 300) {
    std::cerr << "vakt retro: " << (response.ok() ? ProblemText(*response) : response.status().message())
              << "\n";
    exit_code = response.ok() && response->status < 500 && response->status != 409 ? kExitUsage : kExitFailure;
    return std::nullopt;
  }
  return response->body;
}

std::string Duration(const nlohmann::json& ms) {
  if (!ms.is_number_integer()) return "-";
  std::int64_t seconds = ms.get<std::int64_t>() / 1000;
  return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
}

int Show(const RetroFlags& flags) {
  int exit_code = kExitOk;
  auto body = Fetch(flags, "/api/v1/incidents/" + flags.id + "/retro", exit_code);
  if (!body) return exit_code;
  auto retro = nlohmann::json::parse(*body, nullptr, false);
  if (retro.is_discarded()) {
    std::cerr << "vakt retro: the server answered with invalid JSON\n";
    return kExitFailure;
  }
  if (flags.format == "json") {
    std::cout << retro.dump(2) << "\n";
    return kExitOk;
  }
  const auto& incident = retro["incident"];
  const auto& durations = retro["timeline"]["durations_ms"];
  std::cout << fmt::format("{} {} — retro {}\n", incident["id"].get<std::string>(),
                           incident["title"].get<std::string>(), retro["state"].get<std::string>());
  std::cout << fmt::format("time to acknowledge {}, mitigate {}, resolve {}\n",
                           Duration(durations["to_acknowledge"]), Duration(durations["to_mitigate"]),
                           Duration(durations["to_resolve"]));
  std::cout << "root cause: "
            << (retro["root_cause_category"].get<std::string>().empty() ? "(not set)"
                                                                         : retro["root_cause_category"].get<std::string>())
            << "\n\ntimeline:\n";
  for (const auto& entry : retro["timeline"]["entries"]) {
    std::cout << fmt::format("  {:<12} {:<28} {:<12} {}\n", entry["phase"].get<std::string>(),
                             entry["action"].get<std::string>(), entry["actor"].get<std::string>(),
                             entry["detail"].get<std::string>());
  }
  std::cout << "annotations: " << retro["annotations"].size()
            << ", action items: " << retro["action_items"].size() << "\n";
  return kExitOk;
}

int Export(const RetroFlags& flags) {
  int exit_code = kExitOk;
  auto body = Fetch(flags, "/api/v1/incidents/" + flags.id + "/retro.md", exit_code);
  if (!body) return exit_code;
  std::cout << *body;
  return kExitOk;
}

}  // namespace

void AddRetroCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<RetroFlags>();
  auto* retro = app.add_subcommand("retro", "Show and export incident retrospectives");
  retro->require_subcommand(1);
  auto* show = retro->add_subcommand("show", "Show an incident's retro: timeline, durations, root cause");
  auto* exported = retro->add_subcommand("export", "Print an incident's retro as Markdown");
  for (auto* command : {show, exported}) {
    command->add_option("id", flags->id, "Incident id, e.g. INC-7")->required();
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  }
  show->add_option("--format", flags->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  show->callback([flags, &exit_code] { exit_code = Show(*flags); });
  exported->callback([flags, &exit_code] { exit_code = Export(*flags); });
}

}  // namespace vakt::cli
