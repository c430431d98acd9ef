#include <fmt/format.h>

#include <iostream>
#include <variant>

#include "cli/api_client.h"
#include "cli/commands.h"

namespace vakt::cli {
namespace {

struct IncidentFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string format = "table";
  // list
  std::string state = "open";
  std::string pipeline;
  int limit = 50;
  // show / actions
  std::string id;
  std::string argument;
};

// Call performs one API request and prints a failure the way every incident command does.
// Returns the parsed body, or the exit code to use.
std::variant<nlohmann::json, int> Call(const IncidentFlags& flags, const std::string& method,
                                       const std::string& path, const std::string& body = "") {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt incident: " << client.status().message() << "\n";
    return kExitUsage;
  }
  auto response = method == "GET" ? client->Get(path) : client->Post(path, body);
  if (!response.ok()) {
    std::cerr << "vakt incident: " << response.status().message() << "\n";
    return kExitFailure;
  }
  if (response->status >= 300) {
    std::cerr << "vakt incident: " << ProblemText(*response) << "\n";
    return response->status == 400 || response->status == 404 ? kExitUsage : kExitFailure;
  }
  try {
    return nlohmann::json::parse(response->body);
  } catch (const std::exception&) {
    std::cerr << "vakt incident: the server answered with invalid JSON\n";
    return kExitFailure;
  }
}

void PrintIncidentLine(const nlohmann::json& incident) {
  std::cout << fmt::format("{:<8}  {:<12}  {:<9}  {:<22}  {:<26}  {}\n",
                           incident["id"].get<std::string>(), incident["state"].get<std::string>(),
                           incident["severity"].get<std::string>(),
                           incident["pipeline"].get<std::string>(),
                           incident["runbook"]["id"].get<std::string>(),
                           incident["title"].get<std::string>());
}

int List(const IncidentFlags& flags) {
  std::string path = fmt::format("/api/v1/incidents?state={}&limit={}", flags.state, flags.limit);
  if (!flags.pipeline.empty()) path += "&pipeline=" + flags.pipeline;
  auto result = Call(flags, "GET", path);
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& body = std::get<nlohmann::json>(result);
  if (flags.format == "json") {
    std::cout << body.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<8}  {:<12}  {:<9}  {:<22}  {:<26}  {}\n", "ID", "STATE", "SEVERITY",
                           "PIPELINE", "RUNBOOK", "TITLE");
  for (const auto& incident : body["incidents"]) PrintIncidentLine(incident);
  return kExitOk;
}

int Show(const IncidentFlags& flags) {
  auto result = Call(flags, "GET", "/api/v1/incidents/" + flags.id);
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& incident = std::get<nlohmann::json>(result);
  auto events = Call(flags, "GET", "/api/v1/incidents/" + flags.id + "/events");
  if (auto* code = std::get_if<int>(&events)) return *code;
  if (flags.format == "json") {
    nlohmann::json both = incident;
    both["events"] = std::get<nlohmann::json>(events)["events"];
    std::cout << both.dump(2) << "\n";
    return kExitOk;
  }
  const auto& context = incident["context"];
  std::cout << incident["id"].get<std::string>() << "  " << incident["title"].get<std::string>()
            << "\n  state:     " << incident["state"].get<std::string>()
            << "\n  severity:  " << incident["severity"].get<std::string>()
            << "\n  runbook:   " << incident["runbook"]["id"].get<std::string>() << " v"
            << incident["runbook"]["version"].get<std::string>() << " ("
            << incident["runbook"]["content_hash"].get<std::string>().substr(0, 12) << ")"
            << "\n  pipeline:  " << incident["pipeline"].get<std::string>()
            << "\n  model:     " << context.value("model", std::string())
            << "\n  deployed:  " << context.value("deployed_version", std::string())
            << " (previous " << context.value("previous_version", std::string()) << ")"
            << "\n  change window open: "
            << (context.contains("change_window") && context["change_window"].value("inside", false) ? "yes" : "no")
            << "\n";
  if (context.contains("recent_deployments") && !context["recent_deployments"].empty()) {
    std::cout << "  recent deployments:\n";
    for (const auto& deployment : context["recent_deployments"]) {
      std::cout << "    " << deployment["timestamp"].get<std::string>() << "  "
                << deployment["version"].get<std::string>() << "  "
                << deployment["summary"].get<std::string>() << "\n";
    }
  }
  if (context.contains("business_impact")) {
    std::cout << "  business impact:\n";
    for (const auto& impact : context["business_impact"]) {
      std::cout << "    - " << impact.value("name", std::string());
      if (impact.contains("slo")) std::cout << " (SLO " << impact["slo"].get<std::string>() << ")";
      std::cout << "\n";
    }
  }
  if (context.contains("outstanding_risks") && !context["outstanding_risks"].empty()) {
    std::cout << "  outstanding risks:\n";
    for (const auto& risk : context["outstanding_risks"]) {
      std::cout << "    " << risk["id"].get<std::string>() << "  " << risk["title"].get<std::string>()
                << " [" << risk["status"].get<std::string>() << ", " << risk["owner"].get<std::string>() << "]\n";
    }
  }
  if (context.contains("links")) {
    std::cout << "  links:\n";
    for (const auto& link : context["links"]) {
      std::cout << "    " << link["title"].get<std::string>() << ": " << link["url"].get<std::string>() << "\n";
    }
  }
  std::cout << "  alerts:\n";
  for (const auto& alert : incident["alerts"]) {
    std::cout << "    " << alert["fingerprint"].get<std::string>() << "  "
              << alert["state"].get<std::string>() << "  " << alert["labels"].dump() << "\n";
  }
  std::cout << "  timeline:\n";
  for (const auto& event : std::get<nlohmann::json>(events)["events"]) {
    std::cout << "    " << event["time"].get<std::string>() << "  " << event["actor"].get<std::string>()
              << "  " << event["kind"].get<std::string>();
    if (!event["reason"].get<std::string>().empty()) std::cout << ": " << event["reason"].get<std::string>();
    std::cout << "\n";
  }
  return kExitOk;
}

int Act(const IncidentFlags& flags, const std::string& verb, const char* field) {
  nlohmann::json body = nlohmann::json::object();
  if (!flags.argument.empty()) body[field] = flags.argument;
  auto result = Call(flags, "POST", "/api/v1/incidents/" + flags.id + "/" + verb, body.dump());
  if (auto* code = std::get_if<int>(&result)) return *code;
  const auto& incident = std::get<nlohmann::json>(result);
  if (flags.format == "json") {
    std::cout << incident.dump(2) << "\n";
  } else {
    std::cout << incident["id"].get<std::string>() << " is " << incident["state"].get<std::string>() << "\n";
  }
  return kExitOk;
}

void AddCommonFlags(CLI::App* command, IncidentFlags& flags) {
  command->add_option("--server", flags.server, "vakt server URL ($VAKT_SERVER)");
  command->add_option("--token", flags.token, "API token ($VAKT_TOKEN)");
  command->add_option("--format", flags.format, "table or json")->check(CLI::IsMember({"table", "json"}));
}

}  // namespace

void AddIncidentCommands(CLI::App& app, int& exit_code) {
  auto* incident = app.add_subcommand("incident", "List, inspect and act on incidents");
  incident->require_subcommand(1);
  auto flags = std::make_shared<IncidentFlags>();

  auto* list = incident->add_subcommand("list", "List incidents");
  AddCommonFlags(list, *flags);
  list->add_option("--state", flags->state, "open (default), all, triggered, acknowledged, mitigated, resolved, closed");
  list->add_option("--pipeline", flags->pipeline, "only this pipeline");
  list->add_option("--limit", flags->limit, "at most this many")->check(CLI::Range(1, 500));
  list->callback([flags, &exit_code] { exit_code = List(*flags); });

  auto* show = incident->add_subcommand("show", "Show an incident: context snapshot, alerts, timeline");
  AddCommonFlags(show, *flags);
  show->add_option("id", flags->id, "incident id, e.g. INC-42")->required();
  show->callback([flags, &exit_code] { exit_code = Show(*flags); });

  struct Verb {
    const char* name;
    const char* help;
    const char* field;
    const char* argument_help;
  };
  for (const Verb& verb : {Verb{"ack", "Acknowledge an incident", "reason", "--reason"},
                           Verb{"mitigate", "Mark an incident mitigated", "reason", "--reason"},
                           Verb{"resolve", "Resolve an incident", "reason", "--reason"},
                           Verb{"close", "Close a resolved incident", "reason", "--reason"},
                           Verb{"reopen", "Reopen a resolved or closed incident", "reason", "--reason"},
                           Verb{"assign", "Assign an incident", "assignee", "--to"},
                           Verb{"note", "Add a note to the timeline", "text", "--text"}}) {
    auto* command = incident->add_subcommand(verb.name, verb.help);
    AddCommonFlags(command, *flags);
    command->add_option("id", flags->id, "incident id, e.g. INC-42")->required();
    auto* argument = command->add_option(verb.argument_help, flags->argument, verb.field);
    if (std::string(verb.name) == "assign" || std::string(verb.name) == "note") argument->required();
    std::string api_verb = std::string(verb.name) == "note" ? "notes" : verb.name;
    const char* field = verb.field;
    command->callback([flags, &exit_code, api_verb, field] { exit_code = Act(*flags, api_verb, field); });
  }
}

}  // namespace vakt::cli
