// `vakt incident export INC --out FILE.tar` fetches an incident's export archive (a POSIX tar;
// audit/incident_export.h) and `vakt bundle verify FILE.tar` checks one fully offline.
// Exit codes: 0 valid, 1 invalid (the reason, naming the bad member, on stderr), 2 usage error.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "audit/incident_export.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "common/redact.h"

namespace vakt::cli {
namespace {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound("cannot read " + path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

bool ReadTrustedKey(const std::string& path, std::optional<audit::NoteVerifier>& out) {
  if (path.empty()) return true;
  auto text = ReadWholeFile(path);
  if (!text.ok()) {
    std::cerr << "vakt bundle: --public-key: " << text.status().message() << "\n";
    return false;
  }
  std::string key = *text;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  auto verifier = audit::NoteVerifier::FromVerifierKey(key);
  if (!verifier.ok()) {
    std::cerr << "vakt bundle: --public-key " << path << ": " << verifier.status().message()
              << "\n";
    return false;
  }
  out = std::move(*verifier);
  return true;
}

void AddIncidentExport(CLI::App& incident, int& exit_code) {
  struct Flags {
    std::string incident, out, server = DefaultServer(), token;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = incident.add_subcommand(
      "export",
      "Write an incident's export archive (tar: manifest, records, evidence, proofs, key)");
  cmd->add_option("incident", flags->incident, "Incident id, e.g. INC-7")->required();
  cmd->add_option("--out", flags->out, "Archive to write (.tar)")->required();
  cmd->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
  cmd->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  cmd->callback([flags, &exit_code] {
    auto client = ApiClient::Create(flags->server, flags->token);
    if (!client.ok()) {
      std::cerr << "vakt incident export: " << client.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto response = client->Get("/api/v1/incidents/" + flags->incident + "/export");
    if (!response.ok()) {
      std::cerr << "vakt incident export: " << response.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    if (response->status != 200) {
      std::cerr << "vakt incident export: " << ProblemText(*response) << "\n";
      exit_code = response->status == 400 || response->status == 404 ? kExitUsage : kExitFailure;
      return;
    }
    // Check what we received before handing it on: an archive that does not verify is not written.
    auto report = audit::VerifyIncidentExport(response->body);
    if (!report.ok()) {
      std::cerr << "invalid: the server's archive does not verify: " << report.status().message()
                << "\n";
      exit_code = kExitFailure;
      return;
    }
    // Write beside the target and rename, so a failed write never leaves half an archive.
    const std::string partial = flags->out + ".partial";
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      out << response->body;
      if (!out.flush()) {
        std::cerr << "vakt incident export: cannot write " << flags->out << "\n";
        exit_code = kExitFailure;
        return;
      }
    }
    std::error_code error;
    std::filesystem::rename(partial, flags->out, error);
    if (error) {
      std::cerr << "vakt incident export: cannot write " << flags->out << ": " << error.message()
                << "\n";
      exit_code = kExitFailure;
      return;
    }
    std::cout << "wrote " << flags->out << ": " << report->incident << ", " << report->records
              << " audit records, " << report->evidence << " evidence items, checkpoint size "
              << report->checkpoint_size << "\n";
    exit_code = kExitOk;
  });
}

void AddBundleVerify(CLI::App& bundle, int& exit_code) {
  struct Flags {
    std::string path, public_key;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = bundle.add_subcommand("verify", "Check an incident export archive fully offline");
  cmd->add_option("archive", flags->path, "Archive (from vakt incident export)")->required();
  cmd->add_option("--public-key", flags->public_key,
                  "File with the verifier key to trust; without it the archive's own key is used");
  cmd->callback([flags, &exit_code] {
    std::optional<audit::NoteVerifier> key;
    if (!ReadTrustedKey(flags->public_key, key)) {
      exit_code = kExitUsage;
      return;
    }
    auto archive = ReadWholeFile(flags->path);
    if (!archive.ok()) {
      std::cerr << "vakt bundle: " << archive.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto report = audit::VerifyIncidentExport(*archive, key ? &*key : nullptr);
    if (!report.ok()) {
      // The reason can quote bytes from the archive: print it escaped, one clean line.
      std::cerr << "invalid: " << flags->path << ": "
                << PrintableForMessage(report.status().message(), 8192) << "\n";
      exit_code = kExitFailure;
      return;
    }
    std::cout << "valid: " << report->incident << ": " << report->records << " audit records and "
              << report->evidence << " evidence items; checkpoint size " << report->checkpoint_size
              << " consistent with the earlier checkpoint of size "
              << report->previous_checkpoint_size << "; signed by " << report->public_key
              << (key ? "" : " (the archive's own key: pin it with --public-key)") << "\n";
    exit_code = kExitOk;
  });
}

}  // namespace

void AddBundleCommands(CLI::App& app, int& exit_code) {
  // `export` belongs with the other incident commands, registered before this.
  for (CLI::App* command :
       app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "incident"; })) {
    AddIncidentExport(*command, exit_code);
  }
  auto* bundle = app.add_subcommand("bundle", "Verify incident export archives offline");
  bundle->require_subcommand(1);
  AddBundleVerify(*bundle, exit_code);
}

}  // namespace vakt::cli
