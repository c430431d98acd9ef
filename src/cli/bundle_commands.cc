// `vakt incident export INC --out FILE.tar` fetches an incident's export archive (a POSIX tar;
// audit/incident_export.h) and `vakt bundle verify FILE.tar` checks one fully offline.
// Exit codes: 0 valid, 1 invalid (the reason, naming the bad member, on stderr), 2 usage error.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "audit/incident_export.h"
#include "cli/commands.h"
#include "cli/verifier_input.h"
#include "common/redact.h"

namespace vakt::cli {
namespace {

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
    auto response = CallApi("vakt incident export", flags->server, flags->token, "GET",
                            "/api/v1/incidents/" + flags->incident + "/export", "", exit_code);
    if (!response) return;
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
    std::string archive;
    std::optional<audit::NoteVerifier> key;
    if (!ReadVerifierInput("vakt bundle", flags->path, flags->public_key, archive, key)) {
      exit_code = kExitUsage;
      return;
    }
    auto report = audit::VerifyIncidentExport(archive, key ? &*key : nullptr);
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
