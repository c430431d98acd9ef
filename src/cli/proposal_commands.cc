#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "common/file_read.h"

// `vakt proposal create|list|review|apply`: runbook change proposals over the REST API.
namespace vakt::cli {
namespace {

struct ProposalFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string runbook;
  std::string id;
  std::string incident;
  std::string message;
  std::string patch_file;  // JSON array of operations
  std::string yaml_file;   // full YAML instead
  std::string decision;
  std::string comment;
  std::string format = "text";
};

int Call(const ProposalFlags& flags, const std::string& method, const std::string& path,
         const std::string& body, nlohmann::json* out) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt proposal: " << client.status().message() << "\n";
    return kExitUsage;
  }
  auto response = method == "GET" ? client->Get(path) : client->Post(path, body);
  if (!response.ok() || response->status >= 300) {
    std::cerr << "vakt proposal: "
              << (response.ok() ? ProblemText(*response) : response.status().message()) << "\n";
    return response.ok() && (response->status == 400 || response->status == 404) ? kExitUsage
                                                                                 : kExitFailure;
  }
  *out = nlohmann::json::parse(response->body, nullptr, false);
  if (out->is_discarded()) {
    std::cerr << "vakt proposal: the server answered with invalid JSON\n";
    return kExitFailure;
  }
  return kExitOk;
}

void PrintProposal(const nlohmann::json& proposal) {
  std::cout << fmt::format(
      "#{:<4} {:<26} {:<9} {:<8} {:<12} {}\n", proposal["id"].get<std::int64_t>(),
      proposal["runbook_id"].get<std::string>(), proposal["state"].get<std::string>(),
      proposal["incident"].is_string() ? proposal["incident"].get<std::string>() : "-",
      proposal["author"].get<std::string>(), proposal["message"].get<std::string>());
}

int Create(const ProposalFlags& flags) {
  nlohmann::json body = {{"message", flags.message}};
  if (!flags.incident.empty()) body["incident"] = flags.incident;
  if (flags.patch_file.empty() == flags.yaml_file.empty()) {
    std::cerr << "vakt proposal create: give exactly one of --patch or --yaml\n";
    return kExitUsage;
  }
  auto text = ReadFileToString(flags.patch_file.empty() ? flags.yaml_file : flags.patch_file);
  if (!text.ok()) {
    std::cerr << "vakt proposal create: " << text.status().message() << "\n";
    return kExitUsage;
  }
  if (!flags.patch_file.empty()) {
    auto patch = nlohmann::json::parse(*text, nullptr, false);
    if (patch.is_discarded()) {
      std::cerr << "vakt proposal create: --patch is not JSON\n";
      return kExitUsage;
    }
    body["patch"] = patch;
  } else {
    body["yaml"] = *text;
  }
  nlohmann::json created;
  int code = Call(flags, "POST", "/api/v1/runbooks/" + flags.runbook + "/proposals", body.dump(),
                  &created);
  if (code != kExitOk) return code;
  if (flags.format == "json") {
    std::cout << created.dump(2) << "\n";
  } else {
    PrintProposal(created);
    std::cout << created["diff"].get<std::string>();
  }
  return kExitOk;
}

}  // namespace

void AddProposalCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ProposalFlags>();
  auto* proposal =
      app.add_subcommand("proposal", "Runbook change proposals: create, list, review, apply");
  proposal->require_subcommand(1);
  auto* create =
      proposal->add_subcommand("create", "Propose a change to a runbook (patch or full YAML)");
  create->add_option("runbook", flags->runbook, "Runbook id")->required();
  create->add_option("--message,-m", flags->message, "Why the change")->required();
  create->add_option("--incident", flags->incident, "Incident the change comes from, e.g. INC-7");
  create->add_option("--patch", flags->patch_file, "JSON file: [{op: add|edit|reorder|remove, …}]");
  create->add_option("--yaml", flags->yaml_file, "Full runbook YAML file");
  auto* list = proposal->add_subcommand("list", "List proposals");
  list->add_option("--runbook", flags->runbook, "Only this runbook");
  auto* review = proposal->add_subcommand("review", "Approve or reject a proposal (not your own)");
  review->add_option("id", flags->id, "Proposal number")->required();
  review->add_option("decision", flags->decision, "approve or reject")
      ->required()
      ->check(CLI::IsMember({"approve", "reject"}));
  review->add_option("--comment", flags->comment, "Review comment");
  auto* apply =
      proposal->add_subcommand("apply", "Apply an approved proposal as the runbook's new version");
  apply->add_option("id", flags->id, "Proposal number")->required();
  for (auto* command : {create, list, review, apply}) {
    command->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
    command->add_option("--format", flags->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
  }
  create->callback([flags, &exit_code] { exit_code = Create(*flags); });
  list->callback([flags, &exit_code] {
    nlohmann::json body;
    std::string path = flags->runbook.empty() ? "/api/v1/proposals"
                                              : "/api/v1/runbooks/" + flags->runbook + "/proposals";
    exit_code = Call(*flags, "GET", path, "", &body);
    if (exit_code != kExitOk) return;
    if (flags->format == "json") {
      std::cout << body.dump(2) << "\n";
      return;
    }
    for (const auto& item : body["proposals"]) PrintProposal(item);
  });
  review->callback([flags, &exit_code] {
    nlohmann::json body;
    nlohmann::json request = {{"decision", flags->decision}, {"comment", flags->comment}};
    exit_code =
        Call(*flags, "POST", "/api/v1/proposals/" + flags->id + "/review", request.dump(), &body);
    if (exit_code == kExitOk) PrintProposal(body);
  });
  apply->callback([flags, &exit_code] {
    nlohmann::json body;
    exit_code = Call(*flags, "POST", "/api/v1/proposals/" + flags->id + "/apply", "{}", &body);
    if (exit_code != kExitOk) return;
    PrintProposal(body);
    std::cout << "runbook version " << body["applied_version"].dump() << "\n";
  });
}

}  // namespace vakt::cli
