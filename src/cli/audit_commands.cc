// `vakt audit ...`: offline verifiers an auditor can run with nothing but published hashes.
// Exit codes: 0 valid, 1 invalid (reason on stderr), 2 usage error (bad flags or unreadable hex).

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "audit/merkle.h"
#include "cli/commands.h"
#include "common/crypto.h"

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
    if (!DecodeHex("--proof element " + std::to_string(element),
                   text.substr(start, comma == std::string::npos ? std::string::npos
                                                                 : comma - start),
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

}  // namespace

void AddAuditCommands(CLI::App& app, int& exit_code) {
  auto* audit = app.add_subcommand("audit", "Verify the tamper-evident audit log offline");
  audit->require_subcommand(1);
  AddVerifyInclusion(*audit, exit_code);
  AddVerifyConsistency(*audit, exit_code);
}

}  // namespace vakt::cli
