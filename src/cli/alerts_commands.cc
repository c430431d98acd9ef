#include <fmt/format.h>

#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"

namespace vakt::cli {
namespace {

struct ListFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string state = "active";
  std::vector<std::string> filters;
  int limit = 100;
  std::string format = "table";
};

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

int ListAlerts(const ListFlags& flags) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt alerts list: " << client.status().message() << "\n";
    return kExitUsage;
  }
  std::string query = fmt::format("/api/v1/alerts?state={}&limit={}", UrlEncode(flags.state),
                                  flags.limit);
  for (const auto& filter : flags.filters) query += "&filter=" + UrlEncode(filter);
  auto response = client->Get(query);
  if (!response.ok()) {
    std::cerr << "vakt alerts list: " << response.status().message() << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    std::cerr << "vakt alerts list: " << ProblemText(*response) << "\n";
    return response->status >= 400 && response->status < 500 ? kExitUsage : kExitFailure;
  }
  auto body = nlohmann::json::parse(response->body);
  if (flags.format == "json") {
    std::cout << body.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<16}  {:<8}  {:<24}  {}\n", "FINGERPRINT", "STATE", "STARTS AT",
                           "LABELS");
  for (const auto& alert : body["alerts"]) {
    std::string labels;
    for (const auto& [name, value] : alert["labels"].items()) {
      labels += (labels.empty() ? "" : ",") + name + "=" + value.get<std::string>();
    }
    std::cout << fmt::format("{:<16}  {:<8}  {:<24}  {{{}}}\n",
                             alert["fingerprint"].get<std::string>(),
                             alert["state"].get<std::string>(),
                             alert["startsAt"].get<std::string>(), labels);
  }
  if (!body["next_cursor"].is_null()) std::cout << "(more: use --limit)\n";
  return kExitOk;
}

}  // namespace

void AddAlertsCommands(CLI::App& app, int& exit_code) {
  auto* alerts = app.add_subcommand("alerts", "Inspect alerts stored by a vakt server");
  alerts->require_subcommand(1);
  auto flags = std::make_shared<ListFlags>();
  auto* list = alerts->add_subcommand("list", "List alerts (GET /api/v1/alerts)");
  list->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
  list->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  list->add_option("--state", flags->state, "active, resolved or all")
      ->check(CLI::IsMember({"active", "resolved", "all"}));
  list->add_option("--filter", flags->filters, "label matcher, e.g. 'team=~\"ml-.*\"' (repeatable)");
  list->add_option("--limit", flags->limit, "at most this many alerts")->check(CLI::Range(1, 1000));
  list->add_option("--format", flags->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([flags, &exit_code] { exit_code = ListAlerts(*flags); });
}

}  // namespace vakt::cli
