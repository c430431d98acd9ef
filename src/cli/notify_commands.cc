// `vakt notify test CHANNEL [--to TARGET]`: asks the running server to send one test message
// through its configured channel. It goes through the server (not straight from a config file)
// because what an SRE needs to know is whether paging will get through: the server's own
// signing secret, SMTP relay and Slack webhook, from the host that pages, with an audit record.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"

namespace vakt::cli {
namespace {

struct NotifyFlags {
  std::string server = DefaultServer();
  std::string token;
  std::string channel;
  std::string to;
};

int Test(const NotifyFlags& flags) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt notify: " << client.status().message() << "\n";
    return kExitUsage;
  }
  nlohmann::json body = {{"channel", flags.channel}};
  if (!flags.to.empty()) body["to"] = flags.to;
  auto response = client->Post("/api/v1/notify/test", body.dump());
  if (!response.ok()) {
    std::cerr << "vakt notify: " << response.status().message() << "\n";
    return kExitFailure;
  }
  if (response->status >= 300) {
    std::cerr << "vakt notify test " << flags.channel << ": " << ProblemText(*response) << "\n";
    return response->status == 400 ? kExitUsage : kExitFailure;
  }
  std::cout << fmt::format("test message sent on {}{}\n", flags.channel,
                           flags.to.empty() ? "" : " to " + flags.to);
  return kExitOk;
}

}  // namespace

void AddNotifyCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<NotifyFlags>();
  auto* notify = app.add_subcommand("notify", "Notification channels of the running server");
  notify->require_subcommand(1);
  auto* test = notify->add_subcommand(
      "test", "Send a test message now through the server's configured channel");
  test->add_option("channel", flags->channel, "webhook, slack or email")
      ->required()
      ->check(CLI::IsMember({"webhook", "slack", "email"}));
  test->add_option("--to", flags->to,
                   "Webhook URL or e-mail address (Slack: defaults to notify.slack_webhook_url)");
  test->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
  test->add_option("--token", flags->token, "Admin API token ($VAKT_TOKEN)");
  test->callback([flags, &exit_code] { exit_code = Test(*flags); });
}

}  // namespace vakt::cli
