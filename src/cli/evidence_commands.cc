#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/api_client.h"
#include "cli/commands.h"

// `vakt evidence retention|hold|release|sweep`: retention classes, legal holds and the retention
// sweep (issue 7), as thin clients of the REST API; the server records each as an audit record.
namespace vakt::cli {
namespace {

struct EvidenceFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string incident;
  std::string sha256;
  std::string retention_class;
  std::string reason;
  std::string format = "text";
};

// Call sends `body` with `method` to `path` (CallApi: its message and exit code on failure) and
// returns the parsed answer.
std::optional<nlohmann::json> Call(const EvidenceFlags& flags, const std::string& method,
                                   const std::string& path, const nlohmann::json& body,
                                   int& exit_code) {
  auto response =
      CallApi("vakt evidence", flags.server, flags.token, method, path, body.dump(), exit_code);
  if (!response) return std::nullopt;
  auto answer = nlohmann::json::parse(response->body, nullptr, false);
  if (answer.is_discarded()) {
    std::cerr << "vakt evidence: the server answered with invalid JSON\n";
    exit_code = kExitFailure;
    return std::nullopt;
  }
  exit_code = kExitOk;
  return answer;
}

int SetClass(const EvidenceFlags& flags) {
  int exit_code = kExitOk;
  auto answer =
      Call(flags, "PUT",
           "/api/v1/incidents/" + flags.incident + "/evidence/" + flags.sha256 + "/retention",
           {{"class", flags.retention_class}, {"reason", flags.reason}}, exit_code);
  if (answer) {
    std::cout << fmt::format("{} of {} is now {} (audit seq {})\n", flags.sha256, flags.incident,
                             flags.retention_class, answer->value("audit_seq", 0));
  }
  return exit_code;
}

int SetHold(const EvidenceFlags& flags, bool hold) {
  int exit_code = kExitOk;
  auto answer = Call(flags, "PUT", "/api/v1/incidents/" + flags.incident + "/legal-hold",
                     {{"hold", hold}, {"reason", flags.reason}}, exit_code);
  if (answer) {
    std::cout << fmt::format("{} legal hold on {} (audit seq {})\n", hold ? "placed" : "released",
                             flags.incident, answer->value("audit_seq", 0));
  }
  return exit_code;
}

int Sweep(const EvidenceFlags& flags) {
  int exit_code = kExitOk;
  auto answer =
      Call(flags, "POST", "/api/v1/evidence/retention/sweep", nlohmann::json::object(), exit_code);
  if (!answer) return exit_code;
  if (flags.format == "json") {
    std::cout << answer->dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& sha : (*answer)["purged"])
    std::cout << "purged " << sha.get<std::string>() << "\n";
  for (const auto& kept : (*answer)["kept"]) {
    std::cout << fmt::format("kept   {}  {}\n", kept.value("sha256", ""), kept.value("reason", ""));
  }
  std::cout << fmt::format("{} purged, {} kept\n", (*answer)["purged"].size(),
                           (*answer)["kept"].size());
  return kExitOk;
}

}  // namespace

void AddEvidenceCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<EvidenceFlags>();
  auto* evidence = app.add_subcommand(
      "evidence", "Evidence retention classes, legal holds and the retention sweep");
  evidence->require_subcommand(1);
  auto* retention = evidence->add_subcommand(
      "retention", "Set the retention class of an incident's capture of a blob (responder)");
  retention->add_option("incident", flags->incident, "Incident id, e.g. INC-7 or 7")
      ->required()
      ->transform(IncidentRef);
  retention->add_option("sha256", flags->sha256, "The evidence blob's SHA-256")->required();
  retention->add_option("--class", flags->retention_class, "Retention class, e.g. regulatory")
      ->required();
  auto* hold = evidence->add_subcommand(
      "hold", "Place a legal hold on all of an incident's evidence (admin)");
  auto* release = evidence->add_subcommand("release", "Release an incident's legal hold (admin)");
  for (auto* command : {hold, release}) {
    command->add_option("incident", flags->incident, "Incident id, e.g. INC-7 or 7")
        ->required()
        ->transform(IncidentRef);
  }
  for (auto* command : {retention, hold, release}) {
    command->add_option("--reason", flags->reason, "Why (recorded in the audit log)")->required();
  }
  auto* sweep = evidence->add_subcommand(
      "sweep", "Run the retention sweep now: purge expired evidence not under legal hold (admin)");
  sweep->add_option("--format", flags->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  for (auto* command : {retention, hold, release, sweep}) {
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  }
  retention->callback([flags, &exit_code] { exit_code = SetClass(*flags); });
  hold->callback([flags, &exit_code] { exit_code = SetHold(*flags, true); });
  release->callback([flags, &exit_code] { exit_code = SetHold(*flags, false); });
  sweep->callback([flags, &exit_code] { exit_code = Sweep(*flags); });
}

}  // namespace vakt::cli
