#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "cli/api_client.h"
#include "cli/commands.h"

// `vakt retro show|export|update|action-item|annotate|complete INC-7`: an incident's
// retrospective, over the REST API.
namespace vakt::cli {
namespace {

struct RetroFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string id;
  std::string format = "text";
  // update
  std::optional<std::string> summary;
  std::optional<std::string> root_cause;
  std::vector<std::string> factors;
  // action-item
  std::string title;
  std::string owner;
  std::string due;
  // annotate
  std::string step;
  std::string kind;
  std::string text;
};

// Send writes `body` with `method` to `path` and prints `done` when the server accepts it; the
// exit code follows the answer (CallApi).
int Send(const RetroFlags& flags, const std::string& method, const std::string& path,
         const nlohmann::json& body, const std::string& done) {
  int exit_code = kExitOk;
  if (!CallApi("vakt retro", flags.server, flags.token, method, path, body.dump(), exit_code)) {
    return exit_code;
  }
  std::cout << done << "\n";
  return kExitOk;
}

// Fetch GETs `path`; on failure CallApi prints the problem and sets `exit_code`.
std::optional<std::string> Fetch(const RetroFlags& flags, const std::string& path, int& exit_code) {
  auto response = CallApi("vakt retro", flags.server, flags.token, "GET", path, "", exit_code);
  if (!response) return std::nullopt;
  return std::move(response->body);
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
                           Duration(durations["to_acknowledge"]),
                           Duration(durations["to_mitigate"]), Duration(durations["to_resolve"]));
  std::cout << "root cause: "
            << (retro["root_cause_category"].get<std::string>().empty()
                    ? "(not set)"
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
  auto* retro =
      app.add_subcommand("retro", "Incident retrospectives: show, edit, complete, export");
  retro->require_subcommand(1);
  auto* show =
      retro->add_subcommand("show", "Show an incident's retro: timeline, durations, root cause");
  auto* exported = retro->add_subcommand("export", "Print an incident's retro as Markdown");
  for (auto* command : {show, exported}) {
    command->add_option("id", flags->id, "Incident id, e.g. INC-7 or 7")
        ->required()
        ->transform(IncidentRef);
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  }
  auto* update =
      retro->add_subcommand("update", "Set the summary, root cause category, contributing factors");
  update->add_option("--summary", flags->summary, "What happened, in a few sentences");
  update->add_option("--root-cause", flags->root_cause, "Root cause category, e.g. data-drift");
  update->add_option("--factor", flags->factors,
                     "A contributing factor (repeatable; replaces the list)");
  auto* item =
      retro->add_subcommand("action-item", "Add an action item with an owner and a due date");
  item->add_option("--title", flags->title, "What is to be done")->required();
  item->add_option("--owner", flags->owner, "Who owns it, e.g. team:ml")->required();
  item->add_option("--due", flags->due, "Due date YYYY-MM-DD")->required();
  auto* annotate = retro->add_subcommand(
      "annotate", "Remark on a runbook step: wrong, missing, slow or unclear");
  // `vakt retro annotate INC-7 look --kind slow`: the incident first, like every retro command,
  // then the step (positionals are taken in the order they are added).
  annotate->add_option("id", flags->id, "Incident id, e.g. INC-7 or 7")
      ->required()
      ->transform(IncidentRef);
  annotate->add_option("step", flags->step, "Step id")->required();
  annotate->add_option("--kind", flags->kind, "wrong, missing, slow or unclear")->required();
  annotate->add_option("--text", flags->text, "What was wrong with it");
  auto* complete =
      retro->add_subcommand("complete", "Complete the retro (needs a root cause category)");
  for (auto* command : {update, item, complete}) {
    command->add_option("id", flags->id, "Incident id, e.g. INC-7 or 7")
        ->required()
        ->transform(IncidentRef);
  }
  for (auto* command : {update, item, annotate, complete}) {
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  }
  update->callback([flags, &exit_code] {
    nlohmann::json body = nlohmann::json::object();
    if (flags->summary) body["summary"] = *flags->summary;
    if (flags->root_cause) body["root_cause_category"] = *flags->root_cause;
    if (!flags->factors.empty()) body["contributing_factors"] = flags->factors;
    exit_code = Send(*flags, "PUT", "/api/v1/incidents/" + flags->id + "/retro", body,
                     "retro of " + flags->id + " updated");
  });
  item->callback([flags, &exit_code] {
    exit_code = Send(*flags, "POST", "/api/v1/incidents/" + flags->id + "/retro/action-items",
                     {{"title", flags->title}, {"owner", flags->owner}, {"due_date", flags->due}},
                     "action item added to the retro of " + flags->id);
  });
  annotate->callback([flags, &exit_code] {
    exit_code = Send(
        *flags, "POST", "/api/v1/incidents/" + flags->id + "/steps/" + flags->step + "/annotations",
        {{"kind", flags->kind}, {"text", flags->text}}, "step " + flags->step + " annotated");
  });
  complete->callback([flags, &exit_code] {
    exit_code = Send(*flags, "POST", "/api/v1/incidents/" + flags->id + "/retro/complete",
                     nlohmann::json::object(), "retro of " + flags->id + " completed");
  });
  show->add_option("--format", flags->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  show->callback([flags, &exit_code] { exit_code = Show(*flags); });
  exported->callback([flags, &exit_code] { exit_code = Export(*flags); });
}

}  // namespace vakt::cli
