#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <variant>

#include "cli/api_client.h"
#include "cli/commands.h"

namespace vakt::cli {
namespace {

struct StepFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string format = "table";
  std::string incident;
  std::string step;
  std::string reason;
  bool failed = false;  // confirm --failed
  bool yes = false;     // approve/deny: do not ask after showing the content
};

// Call performs one API request; returns the parsed body or the exit code to use.
std::variant<nlohmann::json, int> Call(const StepFlags& flags, const std::string& method,
                                       const std::string& path, const std::string& body = "") {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt step: " << client.status().message() << "\n";
    return kExitUsage;
  }
  auto response = method == "GET" ? client->Get(path) : client->Post(path, body);
  if (!response.ok()) {
    std::cerr << "vakt step: " << response.status().message() << "\n";
    return kExitFailure;
  }
  if (response->status >= 300) {
    std::cerr << "vakt step: " << ProblemText(*response) << "\n";
    return response->status == 400 || response->status == 404 ? kExitUsage : kExitFailure;
  }
  try {
    return nlohmann::json::parse(response->body);
  } catch (const std::exception&) {
    std::cerr << "vakt step: the server answered with invalid JSON\n";
    return kExitFailure;
  }
}

std::string Text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
}

std::string StepPath(const StepFlags& flags) {
  return "/api/v1/incidents/" + flags.incident + "/steps/" + flags.step;
}

void PrintStep(const nlohmann::json& step) {
  std::cout << step["id"].get<std::string>() << "  " << step["title"].get<std::string>()
            << "\n  state:    " << step["state"].get<std::string>()
            << "\n  kind:     " << step["kind"].get<std::string>() << " (risk "
            << step["risk"].get<std::string>() << ")";
  if (!step["approval"].is_null()) {
    const auto& approval = step["approval"];
    std::cout << "\n  approval: " << approval["given"].get<int>() << " of "
              << approval["count"].get<int>() << " from " << approval["roles"].dump()
              << (approval["distinct_from_requester"].get<bool>() ? ", not the requester" : "")
              << "; " << approval["state"].get<std::string>();
    if (!approval["expires_at"].is_null())
      std::cout << ", expires " << Text(approval["expires_at"]);
  }
  if (!step["requested_by"].is_null()) {
    std::cout << "\n  requested by " << Text(step["requested_by"]) << " at "
              << Text(step["requested_at"]);
  }
  for (const auto& vote : step["approvals"]) {
    std::cout << "\n  " << vote["decision"].get<std::string>() << " by "
              << vote["by"].get<std::string>() << " at " << vote["at"].get<std::string>();
    if (!vote["reason"].get<std::string>().empty()) std::cout << ": " << Text(vote["reason"]);
  }
  std::cout << "\n  content:  " << Text(step["content_hash"]) << "\n";
  if (step.contains("render_error"))
    std::cout << "  cannot render: " << Text(step["render_error"]) << "\n";
  if (!step["preview"].is_null()) std::cout << step["preview"].dump(2) << "\n";
  for (const auto& run : step["runs"]) {
    std::cout << "  run " << run["attempt"].get<int>() << ": " << Text(run["started_at"]) << " → "
              << Text(run["finished_at"]) << "  " << Text(run["outcome"]) << "\n";
    if (!Text(run["output_excerpt"]).empty()) {
      std::cout << "    " << Text(run["output_excerpt"]).substr(0, 400) << "\n";
    }
    for (const auto& digest : run["evidence"]) {
      std::cout << "    evidence " << digest.get<std::string>() << "\n";
    }
  }
}

int List(const StepFlags& flags) {
  auto result = Call(flags, "GET", "/api/v1/incidents/" + flags.incident + "/steps");
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& body = std::get<nlohmann::json>(result);
  if (flags.format == "json") {
    std::cout << body.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<11}  {:<30}  {:<17}  {:<8}  {:<8}  {}\n", "SECTION", "STEP", "STATE",
                           "KIND", "RISK", "TITLE");
  for (const auto& step : body["steps"]) {
    std::cout << fmt::format("{:<11}  {:<30}  {:<17}  {:<8}  {:<8}  {}\n", Text(step["section"]),
                             Text(step["id"]), Text(step["state"]), Text(step["kind"]),
                             Text(step["risk"]), Text(step["title"]));
  }
  return kExitOk;
}

// Evidence lists what the incident's steps captured: one line per item, with the SHA-256 that
// names its blob (GET /api/v1/evidence/<sha256> returns the bytes).
int Evidence(const StepFlags& flags) {
  auto result = Call(flags, "GET", "/api/v1/incidents/" + flags.incident + "/evidence");
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& body = std::get<nlohmann::json>(result);
  if (flags.format == "json") {
    std::cout << body.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<24}  {:<24}  {:<10}  {:>9}  {:<20}  {:<64}  {}\n", "STEP", "NAME",
                           "KIND", "BYTES", "CAPTURED", "SHA256", "SOURCE");
  for (const auto& item : body["evidence"]) {
    std::cout << fmt::format("{:<24}  {:<24}  {:<10}  {:>9}  {:<20}  {:<64}  {}\n",
                             Text(item["step"]), Text(item["name"]), Text(item["kind"]),
                             Text(item["size"]), Text(item["created_at"]), Text(item["sha256"]),
                             Text(item["source"]));
  }
  return kExitOk;
}

int Show(const StepFlags& flags) {
  auto result = Call(flags, "GET", StepPath(flags));
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& step = std::get<nlohmann::json>(result);
  if (flags.format == "json") {
    std::cout << step.dump(2) << "\n";
  } else {
    PrintStep(step);
  }
  return kExitOk;
}

int Act(const StepFlags& flags, const std::string& verb) {
  nlohmann::json body = nlohmann::json::object();
  if (!flags.reason.empty()) body["reason"] = flags.reason;
  if (verb == "confirm" && flags.failed) body["outcome"] = "failed";
  if (verb == "approve" || verb == "deny") {
    // The approver sees exactly what will run and sends the hash of that content: if it changes
    // in between, the server refuses the vote.
    auto current = Call(flags, "GET", StepPath(flags));
    if (auto* code = std::get_if<int>(&current)) return *code;
    const auto& step = std::get<nlohmann::json>(current);
    std::cout << "You are about to " << verb << ":\n";
    PrintStep(step);
    if (step["content_hash"].is_null()) {
      std::cerr << "vakt step: the step cannot be rendered, nothing to " << verb << "\n";
      return kExitFailure;
    }
    if (!flags.yes) {
      std::cout << verb << " this exact content? [y/N] " << std::flush;
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "yes") {
        std::cerr << "vakt step: not confirmed, nothing sent\n";
        return kExitFailure;
      }
    }
    body["content_hash"] = step["content_hash"];
  }
  auto result = Call(flags, "POST", StepPath(flags) + "/" + verb, body.dump());
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& answer = std::get<nlohmann::json>(result);
  if (flags.format == "json") {
    std::cout << answer.dump(2) << "\n";
  } else if (verb == "dry-run") {
    std::cout << "dry run of " << flags.step << " (content " << Text(answer["content_hash"])
              << "), nothing was sent or run:\n"
              << answer["preview"].dump(2) << "\n";
  } else {
    std::cout << flags.incident << " " << Text(answer["id"]) << " is " << Text(answer["state"])
              << "\n";
  }
  return kExitOk;
}

void AddCommonFlags(CLI::App* command, StepFlags& flags) {
  command->add_option("--server", flags.server, "vakt server URL ($VAKT_SERVER)");
  command->add_option("--token", flags.token, "API token ($VAKT_TOKEN)");
  command->add_option("--format", flags.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
}

}  // namespace

void AddStepCommands(CLI::App& app, int& exit_code) {
  auto* step = app.add_subcommand("step", "Runbook steps of an incident: request, approve, run");
  step->require_subcommand(1);
  auto flags = std::make_shared<StepFlags>();

  auto* list = step->add_subcommand("list", "List an incident's runbook steps and their state");
  AddCommonFlags(list, *flags);
  list->add_option("incident", flags->incident, "incident id, e.g. INC-7")->required();
  list->callback([flags, &exit_code] { exit_code = List(*flags); });

  auto* show = step->add_subcommand("show", "Show a step: rendered content, approvals, runs");
  AddCommonFlags(show, *flags);
  show->add_option("incident", flags->incident, "incident id, e.g. INC-7")->required();
  show->add_option("step", flags->step, "step id")->required();
  show->callback([flags, &exit_code] { exit_code = Show(*flags); });

  auto* evidence =
      step->add_subcommand("evidence", "List the evidence an incident's steps captured");
  AddCommonFlags(evidence, *flags);
  evidence->add_option("incident", flags->incident, "incident id, e.g. INC-7")->required();
  evidence->callback([flags, &exit_code] { exit_code = Evidence(*flags); });

  struct Verb {
    const char* name;
    const char* help;
  };
  for (const Verb& verb :
       {Verb{"request", "Ask for approval of a step's exact content"},
        Verb{"approve", "Approve the content you are shown (needs the approver role)"},
        Verb{"deny", "Deny a requested step (needs the approver role)"},
        Verb{"run", "Run a step (after its approval, if it needs one)"},
        Verb{"confirm", "Confirm a manual step done, or resolve an unknown outcome"},
        Verb{"skip", "Skip a step"},
        Verb{"dry-run", "Show what a step would send or run, without doing it"}}) {
    auto* command = step->add_subcommand(verb.name, verb.help);
    AddCommonFlags(command, *flags);
    command->add_option("incident", flags->incident, "incident id, e.g. INC-7")->required();
    command->add_option("step", flags->step, "step id")->required();
    command->add_option("--reason", flags->reason, "why (recorded in the audit log)");
    const std::string name = verb.name;
    if (name == "confirm") command->add_flag("--failed", flags->failed, "it did not work");
    if (name == "approve" || name == "deny") {
      command->add_flag("--yes", flags->yes, "do not ask after showing the content");
    }
    command->callback([flags, name, &exit_code] { exit_code = Act(*flags, name); });
  }
}

}  // namespace vakt::cli
