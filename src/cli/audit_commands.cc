// `vakt audit ...`: offline verifiers an auditor can run with nothing but published hashes, a copy
// of the database or an evidence bundle, and `export`, which fetches an incident's bundle.
// Exit codes: 0 valid, 1 invalid (reason on stderr), 2 usage error (bad flags or unreadable input).

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "audit/evidence_bundle.h"
#include "audit/log_verifier.h"
#include "audit/merkle.h"
#include "cli/commands.h"
#include "cli/verifier_input.h"
#include "common/crypto.h"
#include "storage/database.h"
#include "storage/sql_audit_leaf_store.h"

namespace vakt::cli {
namespace {

// DecodeHex decodes one hash argument. Hex that does not decode is a usage error; a decodable
// value of the wrong length is left for the verifier to reject as invalid.
bool DecodeHex(const std::string& flag, const std::string& hex, std::string& out) {
  auto bytes = HexDecode(hex);
  if (!bytes.ok()) {
    std::cerr << "vakt audit: " << flag << ": " << bytes.status().message() << "\n";
    return false;
  }
  out = std::move(bytes).value();
  return true;
}

// DecodeProof splits "P1,P2,..." (an empty string is the empty proof).
bool DecodeProof(const std::string& text, std::vector<std::string>& out) {
  if (text.empty()) return true;
  size_t start = 0;
  for (int element = 0;; ++element) {
    const size_t comma = text.find(',', start);
    if (comma == start || start == text.size()) {
      std::cerr << "vakt audit: --proof element " << element << " is empty\n";
      return false;
    }
    std::string bytes;
    if (!DecodeHex(
            "--proof element " + std::to_string(element),
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start),
            bytes)) {
      return false;
    }
    out.push_back(std::move(bytes));
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

int Report(const Status& status, const std::string& what) {
  if (!status.ok()) {
    std::cerr << "invalid: " << status.message() << "\n";
    return kExitFailure;
  }
  std::cout << "valid: " << what << "\n";
  return kExitOk;
}

void AddVerifyInclusion(CLI::App& audit, int& exit_code) {
  struct Flags {
    std::string leaf_hash, root, proof;
    std::uint64_t index = 0, size = 0;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = audit.add_subcommand(
      "verify-inclusion", "Check an RFC 6962 inclusion proof: leaf INDEX is in the tree SIZE/ROOT");
  cmd->add_option("--leaf-hash", flags->leaf_hash, "Leaf hash, 64 lowercase hex digits")
      ->required();
  cmd->add_option("--index", flags->index, "0-based leaf index")->required();
  cmd->add_option("--size", flags->size, "Tree size")->required();
  cmd->add_option("--root", flags->root, "Tree root hash (hex)")->required();
  cmd->add_option("--proof", flags->proof, "Proof hashes, comma-separated hex (empty for none)");
  cmd->callback([flags, &exit_code] {
    std::string leaf;
    std::string root;
    std::vector<std::string> proof;
    if (!DecodeHex("--leaf-hash", flags->leaf_hash, leaf) ||
        !DecodeHex("--root", flags->root, root) || !DecodeProof(flags->proof, proof)) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = Report(audit::VerifyInclusion(flags->index, flags->size, leaf, proof, root),
                       "leaf " + std::to_string(flags->index) + " is in the tree of size " +
                           std::to_string(flags->size));
  });
}

void AddVerifyConsistency(CLI::App& audit, int& exit_code) {
  struct Flags {
    std::string old_root, new_root, proof;
    std::uint64_t old_size = 0, new_size = 0;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = audit.add_subcommand(
      "verify-consistency",
      "Check an RFC 6962 consistency proof: the tree OLD-SIZE is a prefix of the tree NEW-SIZE");
  cmd->add_option("--old-size", flags->old_size, "Older tree size")->required();
  cmd->add_option("--new-size", flags->new_size, "Newer tree size")->required();
  cmd->add_option("--old-root", flags->old_root, "Older root hash (hex)")->required();
  cmd->add_option("--new-root", flags->new_root, "Newer root hash (hex)")->required();
  cmd->add_option("--proof", flags->proof, "Proof hashes, comma-separated hex (empty for none)");
  cmd->callback([flags, &exit_code] {
    std::string old_root;
    std::string new_root;
    std::vector<std::string> proof;
    if (!DecodeHex("--old-root", flags->old_root, old_root) ||
        !DecodeHex("--new-root", flags->new_root, new_root) || !DecodeProof(flags->proof, proof)) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = Report(
        audit::VerifyConsistency(flags->old_size, flags->new_size, proof, old_root, new_root),
        "tree " + std::to_string(flags->old_size) + " is a prefix of tree " +
            std::to_string(flags->new_size));
  });
}

void AddVerifyDatabase(CLI::App& audit, int& exit_code) {
  struct Flags {
    std::string database, public_key;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = audit.add_subcommand(
      "verify", "Recompute the whole stored audit log and check every checkpoint against it");
  cmd->add_option("--database", flags->database, "sqlite:PATH or postgres://user@host:port/db")
      ->required();
  cmd->add_option("--public-key", flags->public_key,
                  "File with the log's verifier key (GET /api/v1/audit/public-key); without it "
                  "checkpoint roots are checked but not their signatures");
  cmd->callback([flags, &exit_code] {
    std::optional<audit::NoteVerifier> key;
    if (!ReadTrustedKey("vakt audit", flags->public_key, key)) {
      exit_code = kExitUsage;
      return;
    }
    // Opening a SQLite URL creates a missing file; an auditor's typo must not verify as empty.
    if (flags->database.starts_with("sqlite:") &&
        !std::filesystem::exists(flags->database.substr(7))) {
      std::cerr << "vakt audit: --database: no such file " << flags->database.substr(7) << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto database = storage::OpenDatabase(flags->database);
    if (!database.ok()) {
      std::cerr << "vakt audit: --database: " << database.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    storage::SqlAuditLeafStore store(**database);
    auto report = audit::VerifyLog(store, key ? &*key : nullptr);
    if (!report.ok()) {
      std::cerr << "invalid: " << report.status().message() << "\n";
      exit_code = report.status().code() == StatusCode::kCorruption ? kExitFailure : kExitUsage;
      return;
    }
    std::cout << "valid: " << report->size << " entries, root " << audit::HashToHex(report->root)
              << ", " << report->checkpoints << " checkpoints (last at size "
              << report->last_checkpoint_size << ")"
              << (report->signatures_checked ? ", signatures checked"
                                             : ", signatures NOT checked (no --public-key)")
              << "\n";
    exit_code = kExitOk;
  });
}

void AddExport(CLI::App& audit, int& exit_code) {
  struct Flags {
    std::string incident, out, server = DefaultServer(), token;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = audit.add_subcommand(
      "export", "Fetch an incident's evidence bundle (records, inclusion proofs, checkpoint, key)");
  cmd->add_option("--incident", flags->incident, "Incident id, e.g. INC-7")->required();
  cmd->add_option("--out", flags->out, "Bundle file to write (JSON)")->required();
  cmd->add_option("--server", flags->server, "vakt server URL ($VAKT_SERVER)");
  cmd->add_option("--token", flags->token, "API token ($VAKT_TOKEN)");
  cmd->callback([flags, &exit_code] {
    auto response =
        CallApi("vakt audit", flags->server, flags->token, "GET",
                "/api/v1/incidents/" + flags->incident + "/audit-bundle", "", exit_code);
    if (!response) return;
    nlohmann::json bundle;
    try {
      bundle = nlohmann::json::parse(response->body);
    } catch (const std::exception&) {
      std::cerr << "vakt audit: the server answered with invalid JSON\n";
      exit_code = kExitFailure;
      return;
    }
    // Check what we received before handing it on: a bad bundle is not written.
    auto report = audit::VerifyEvidenceBundle(bundle);
    if (!report.ok()) {
      std::cerr << "invalid: the server's bundle does not verify: " << report.status().message()
                << "\n";
      exit_code = kExitFailure;
      return;
    }
    std::ofstream out(flags->out, std::ios::binary | std::ios::trunc);
    out << bundle.dump(2) << "\n";
    if (!out.flush()) {
      std::cerr << "vakt audit: cannot write " << flags->out << "\n";
      exit_code = kExitFailure;
      return;
    }
    std::cout << "wrote " << flags->out << ": " << report->records << " records of "
              << report->incident << ", checkpoint size " << report->checkpoint_size << "\n";
    exit_code = kExitOk;
  });
}

void AddVerifyBundle(CLI::App& audit, int& exit_code) {
  struct Flags {
    std::string path, public_key;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = audit.add_subcommand("verify-bundle", "Check an evidence bundle fully offline");
  cmd->add_option("bundle", flags->path, "Bundle file (from vakt audit export)")->required();
  cmd->add_option("--public-key", flags->public_key,
                  "File with the verifier key to trust; without it the bundle's own key is used");
  cmd->callback([flags, &exit_code] {
    std::string text;
    std::optional<audit::NoteVerifier> key;
    if (!ReadVerifierInput("vakt audit", flags->path, flags->public_key, text, key)) {
      exit_code = kExitUsage;
      return;
    }
    nlohmann::json bundle;
    try {
      bundle = nlohmann::json::parse(text);
    } catch (const std::exception& error) {
      std::cerr << "invalid: " << flags->path << " is not JSON: " << error.what() << "\n";
      exit_code = kExitFailure;
      return;
    }
    auto report = audit::VerifyEvidenceBundle(bundle, key ? &*key : nullptr);
    if (!report.ok()) {
      std::cerr << "invalid: " << report.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    std::cout << "valid: " << report->records << " records of " << report->incident
              << " included in the checkpoint of size " << report->checkpoint_size << " signed by "
              << report->public_key
              << (key ? "" : " (the bundle's own key: pin it with --public-key)") << "\n";
    exit_code = kExitOk;
  });
}

}  // namespace

void AddAuditCommands(CLI::App& app, int& exit_code) {
  auto* audit = app.add_subcommand(
      "audit", "Verify the tamper-evident audit log offline; export evidence bundles");
  audit->require_subcommand(1);
  AddVerifyInclusion(*audit, exit_code);
  AddVerifyConsistency(*audit, exit_code);
  AddVerifyDatabase(*audit, exit_code);
  AddExport(*audit, exit_code);
  AddVerifyBundle(*audit, exit_code);
}

}  // namespace vakt::cli
