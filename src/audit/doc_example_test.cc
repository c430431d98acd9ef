// Keeps the worked example in docs/audit_log_format.md true: rebuilds it with this code and
// checks that every value the document shows is what the code produces.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/in_memory_leaf_store.h"
#include "audit/log_verifier.h"

namespace vakt::audit {
namespace {

constexpr char kDocOrigin[] = "vakt.example/audit";
constexpr char kSeed[] = "vakt-doc-example-seed-0123456789";  // 32 bytes; a public test key

std::string ReadDoc() {
  const char* source = std::getenv("VAKT_SOURCE_DIR");
  std::ifstream in(std::string(source != nullptr ? source : ".") + "/docs/audit_log_format.md");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Join(const std::vector<Hash>& hashes) {
  std::string out;
  for (const auto& hash : hashes) out += (out.empty() ? "" : ",") + HashToHex(hash);
  return out;
}

TEST(AuditDocExampleTest, WorkedExampleInDocMatchesCode) {
  FakeClock clock(1'795'827'600'000);  // 2026-11-28T01:00:00.000Z
  InMemoryLeafStore store;
  auto signer = *NoteSigner::FromSeed(kDocOrigin, kSeed);
  auto log = *AuditLog::Open(store, clock, signer, kDocOrigin);
  ASSERT_TRUE(log->Append({"user:alice", "incident.acknowledge", "incident/INC-7", {}, ""}).ok());
  clock.Advance(1500);
  ASSERT_TRUE(log->Append({"system:escalation", "notify.attempt", "incident/INC-7",
                           {{"channel", "webhook"}, {"attempt", 1}}, ""})
                  .ok());
  ASSERT_TRUE(log->SignCheckpoint().ok());
  clock.Advance(60'000);
  ASSERT_TRUE(log->Append({"user:bob", "evidence.read", "evidence/e-1", {},
                           Sha256Hex("model card v12\n")})
                  .ok());
  auto note = log->SignCheckpoint();
  ASSERT_TRUE(note.ok());

  std::vector<std::string> facts;
  for (std::uint64_t seq = 0; seq < 3; ++seq) {
    const auto leaf = *store.ReadLeaf(seq);
    facts.push_back(leaf.data);
    facts.push_back(HashToHex(leaf.leaf_hash));
  }
  facts.push_back(HashToHex(*log->RootAt(2)));
  facts.push_back(HashToHex(log->Root()));
  facts.push_back(HashToHex(HashChildren(store.ReadLeaf(0)->leaf_hash, store.ReadLeaf(1)->leaf_hash)));
  facts.push_back(*note);
  facts.push_back(signer.verifier().VerifierKey());
  facts.push_back(Join(*log->InclusionProof(1, 3)));
  facts.push_back(Join(*log->ConsistencyProof(2, 3)));
  EXPECT_TRUE(VerifyLog(store, signer.verifier(), {kDocOrigin, 4096, true}).ok());

  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty());
  // The document indents multi-line values, so they are compared line by line.
  for (const auto& fact : facts) {
    std::istringstream lines(fact);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      EXPECT_NE(doc.find(line), std::string::npos) << "docs/audit_log_format.md lacks:\n" << line;
    }
  }
}

}  // namespace
}  // namespace vakt::audit
