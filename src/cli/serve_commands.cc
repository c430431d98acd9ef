#include <signal.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "app/app.h"
#include "cli/commands.h"
#include "common/redact.h"

namespace vakt::cli {
namespace {

struct ServeFlags {
  std::string config_path;
  std::string listen;
  std::string database;
  std::string runbooks;
  std::string web;
  std::string log_format;
  std::string log_level;
};

int Serve(const ServeFlags& flags) {
  app::AppConfig config;
  if (!flags.config_path.empty()) {
    auto loaded = app::LoadAppConfig(flags.config_path);
    if (!loaded.ok()) {
      std::cerr << "vakt serve: " << loaded.status().message() << "\n";
      return kExitUsage;
    }
    config = std::move(*loaded);
  }
  if (!flags.listen.empty()) {
    if (Status status = app::ParseListen(flags.listen, config); !status.ok()) {
      std::cerr << "vakt serve: " << status.message() << "\n";
      return kExitUsage;
    }
  }
  if (!flags.database.empty()) config.database_url = flags.database;
  if (!flags.runbooks.empty()) config.runbooks_dir = flags.runbooks;
  if (!flags.web.empty()) config.web_dir = flags.web;
  if (!flags.log_format.empty()) config.log.format = flags.log_format;
  if (!flags.log_level.empty()) config.log.level = flags.log_level;
  if (Status status = app::ConfigureLogging(config.log); !status.ok()) {
    std::cerr << "vakt serve: " << status.message() << "\n";
    return kExitUsage;
  }

  // Signals are taken synchronously by this thread only: every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto created = app::App::Create(config, SystemClock::Default());
  if (!created.ok()) {
    std::cerr << "vakt serve: " << created.status().ToString() << "\n";
    return kExitFailure;
  }
  auto& server = **created;
  if (Status status = server.Start(); !status.ok()) {
    std::cerr << "vakt serve: " << status.ToString() << "\n";
    return kExitFailure;
  }
  if (config.log.format == "json") {
    // Log shippers read stdout line by line: the banner becomes records too.
    spdlog::info("vakt is serving on http://{}:{} (database {})", config.listen_host, server.port(),
                 RedactUrlCredentials(config.database_url));
    if (!server.admin_token_path().empty()) {
      spdlog::info("first start: an admin API token was written to {} (mode 0600)",
                   server.admin_token_path());
    }
  } else {
    std::cout << "vakt is serving on http://" << config.listen_host << ":" << server.port()
              << "  (database " << RedactUrlCredentials(config.database_url) << ")\n"
              << "  send a first alert:\n"
              << "    curl -sS -XPOST http://" << config.listen_host << ":" << server.port()
              << "/api/v2/alerts -H 'Content-Type: application/json' \\\n"
              << "      -d '[{\"labels\":{\"alertname\":\"FeatureDrift\",\"pipeline\":\"fraud-scoring\","
                 "\"severity\":\"critical\"}}]'\n"
              << "  then: vakt alerts list --server http://" << config.listen_host << ":"
              << server.port() << "\n"
              << "        vakt incident list --server http://" << config.listen_host << ":"
              << server.port() << "\n";
    if (!server.admin_token_path().empty()) {
      std::cout << "  first start: an admin API token was written to " << server.admin_token_path()
                << " (mode 0600); export VAKT_TOKEN=$(cat " << server.admin_token_path() << ")\n";
    }
    std::cout << std::flush;
  }
  while (true) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGHUP) {
      auto reloaded = server.Reload("SIGHUP");
      if (!reloaded.ok()) spdlog::error("reload refused, old runbooks keep serving: {}", reloaded.status().message());
      continue;
    }
    spdlog::info("signal {}: draining and committing before exit", signal_number);
    break;
  }
  server.Stop();
  spdlog::info("stopped cleanly");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  auto* serve = app.add_subcommand("serve", "Run the vakt server (HTTP API, web console, engine)");
  serve->add_option("--config", flags->config_path, "vakt.yaml config file");
  serve->add_option("--listen", flags->listen, "host:port to listen on (default 127.0.0.1:8080)");
  serve->add_option("--database", flags->database,
                    "sqlite:PATH (default sqlite:var/vakt.db) or postgres://user@host:port/db");
  serve->add_option("--runbooks", flags->runbooks, "runbook directory (default examples/runbooks)");
  serve->add_option("--web", flags->web, "web console directory (default web/dist)");
  serve->add_option("--log-format", flags->log_format, "text (default) or json (one object a line)");
  serve->add_option("--log-level", flags->log_level, "trace, debug, info (default), warn, error");
  serve->callback([flags, &exit_code] { exit_code = Serve(*flags); });
}

}  // namespace vakt::cli
