#include "audit/incident_export.h"

#include <gtest/gtest.h>

#include "audit/in_memory_leaf_store.h"
#include "audit/tar_archive.h"
#include "common/crypto.h"

namespace vakt::audit {
namespace {

constexpr char kExportOrigin[] = "vakt.test/audit";

class IncidentExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = std::make_unique<NoteSigner>(*NoteSigner::FromSeed(kExportOrigin, std::string(32, 's')));
    log_ = std::move(AuditLog::Open(store_, clock_, *signer_, kExportOrigin)).value();
    evidence_ = {{Sha256Hex("error ratio 0.31"), {{"name", "error-ratio"}}, "error ratio 0.31"},
                 {Sha256Hex(std::string(700, 'L')), {{"name", "logs"}}, std::string(700, 'L')}};
    Append({"user:alice", "incident.open", "incident/INC-7", {{"n", 1}}, ""});
    Append({"user:bob", "incident.note", "incident/INC-8", {}, ""});
    for (const auto& item : evidence_) {
      Append({"system", "evidence.capture", "incident/INC-7", {}, item.sha256});
    }
    // A checkpoint signed before the export: the archive proves the log only grew since.
    previous_note_ = *log_->SignCheckpoint();
    Append({"user:alice", "step.run", "step/INC-7/shift-traffic", {}, ""});
  }

  void Append(const AuditEvent& event) {
    ASSERT_TRUE(log_->Append(event).ok());
    clock_.Advance(1000);
  }

  std::string Export() {
    auto prepared =
        PrepareIncidentExport("INC-7", {{"id", "INC-7"}, {"title", "fraud spike"}}, evidence_,
                              signer_->verifier(), "user:carol", clock_.NowMs());
    EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
    Append({"user:carol", kIncidentExportAction, "incident/INC-7", {}, prepared->manifest_sha256});
    std::vector<AuditLeaf> leaves;
    for (std::uint64_t seq = 0; seq < *store_.Size(); ++seq) {
      AuditLeaf leaf = *store_.ReadLeaf(seq);
      if (leaf.data.find("INC-7") != std::string::npos) leaves.push_back(leaf);
    }
    auto archive = FinishIncidentExport(*log_, signer_->verifier(), *prepared, leaves,
                                        previous_note_, clock_.NowMs());
    EXPECT_TRUE(archive.ok()) << archive.status().ToString();
    return archive.ok() ? *archive : std::string();
  }

  FakeClock clock_;
  InMemoryLeafStore store_;
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<AuditLog> log_;
  std::vector<ExportEvidence> evidence_;
  std::string previous_note_;
};

TEST_F(IncidentExportTest, ExportedArchiveVerifiesOffline) {
  const std::string archive = Export();
  auto report = VerifyIncidentExport(archive, &signer_->verifier());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->incident, "INC-7");
  EXPECT_EQ(report->records, 5u);  // open, two captures, step run, the export itself
  EXPECT_EQ(report->evidence, 2u);
  EXPECT_EQ(report->previous_checkpoint_size, 4u);
  EXPECT_EQ(report->checkpoint_size, 6u);
  auto members = ReadTar(archive);
  ASSERT_TRUE(members.ok());
  std::set<std::string> names;
  for (const auto& member : *members) names.insert(member.name);
  for (const char* expected : {kManifestMember, kIncidentMember, kPublicKeyMember, kRecordsMember,
                               kCheckpointMember, kPreviousCheckpointMember, kConsistencyMember}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
  EXPECT_TRUE(names.contains("evidence/" + evidence_[0].sha256));
  EXPECT_TRUE(names.contains("evidence/" + evidence_[1].sha256));
}

// Any changed byte inside any member's content fails verification, and the reason starts with
// that member's name. Every byte of every member is tried.
TEST_F(IncidentExportTest, ChangedByteInAnyMemberFailsNamingThatMember) {
  const std::string archive = Export();
  auto members = ReadTar(archive);
  ASSERT_TRUE(members.ok());
  size_t offset = 0;
  for (const TarMember& member : *members) {
    offset += 512;  // the member's header
    // Every byte of small members; a spread of bytes of the large ones keeps the test quick.
    const size_t step = member.data.size() > 400 ? member.data.size() / 97 : 1;
    for (size_t i = 0; i < member.data.size(); i += step) {
      std::string copy = archive;
      copy[offset + i] = static_cast<char>(copy[offset + i] ^ 0x01);
      auto report = VerifyIncidentExport(copy);
      ASSERT_FALSE(report.ok()) << member.name << " byte " << i;
      EXPECT_EQ(report.status().code(), StatusCode::kCorruption) << report.status().ToString();
      EXPECT_TRUE(report.status().message().starts_with(member.name + ":"))
          << member.name << " byte " << i << ": " << report.status().message();
    }
    offset += (member.data.size() + 511) / 512 * 512;
  }
}

TEST_F(IncidentExportTest, ChangedHeaderOrPaddingByteFailsAsMalformedTar) {
  const std::string archive = Export();
  for (size_t i = 0; i < archive.size(); i += 37) {
    std::string copy = archive;
    copy[i] = static_cast<char>(copy[i] ^ 0x80);
    EXPECT_FALSE(VerifyIncidentExport(copy).ok()) << "byte " << i;
  }
}

TEST_F(IncidentExportTest, TruncatedOrGarbageArchiveIsRejectedWithoutCrashing) {
  const std::string archive = Export();
  for (size_t length : {size_t{0}, size_t{100}, size_t{512}, archive.size() / 2,
                        archive.size() - 1024, archive.size() - 1}) {
    auto report = VerifyIncidentExport(std::string_view(archive).substr(0, length));
    EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument) << length;
  }
  EXPECT_EQ(VerifyIncidentExport("garbage").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(IncidentExportTest, MissingOrUnlistedMemberIsNamed) {
  const std::string archive = Export();
  auto members = *ReadTar(archive);
  std::vector<TarMember> without;
  for (const auto& member : members) {
    if (member.name != "evidence/" + evidence_[1].sha256) without.push_back(member);
  }
  auto report = VerifyIncidentExport(*WriteTar(without, 0));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().message().starts_with("evidence/" + evidence_[1].sha256))
      << report.status().message();
  members.push_back({"evidence/extra", "smuggled"});
  report = VerifyIncidentExport(*WriteTar(members, 0));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().message().starts_with("evidence/extra:"))
      << report.status().message();
}

TEST_F(IncidentExportTest, ArchiveSignedByAnotherKeyFailsWhenAKeyIsPinned) {
  const std::string archive = Export();
  auto other = NoteSigner::FromSeed(kExportOrigin, std::string(32, 'o'));
  ASSERT_TRUE(other.ok());
  auto report = VerifyIncidentExport(archive, &other->verifier());
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().message().starts_with("public-key.txt:"));
}

TEST_F(IncidentExportTest, EvidenceWhoseBytesDoNotMatchItsHashIsNotExported) {
  evidence_[0].bytes = "something else";
  auto prepared = PrepareIncidentExport("INC-7", {}, evidence_, signer_->verifier(), "u", 0);
  EXPECT_EQ(prepared.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace vakt::audit
