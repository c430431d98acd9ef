#include "audit/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "audit/compact_range.h"
#include "audit/merkle_tree.h"
#include "audit/test_vectors.h"

namespace vakt::audit {
namespace {

using nlohmann::json;
using testing::Bytes;
using testing::FindKey;

std::vector<Hash> LeafHashesFromHex(const json& inputs) {
  std::vector<Hash> out;
  for (const auto& input : inputs) out.push_back(HashLeaf(Bytes(input)));
  return out;
}

std::vector<std::string> HexList(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const auto& hash : hashes) out.push_back(HashToHex(hash));
  return out;
}

std::vector<std::string> BytesList(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(Bytes(item));
  return out;
}

std::vector<std::string> BytesList(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const auto& hash : hashes) out.emplace_back(HashBytes(hash));
  return out;
}

class MerkleVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override { vectors_ = testing::LoadMerkleVectors(); }
  json vectors_;
};

TEST_F(MerkleVectorsTest, HashPrimitivesMatch) {
  ASSERT_TRUE(vectors_.contains("hash_primitives"));
  int checked = 0;
  for (const auto& item : vectors_["hash_primitives"]) {
    const std::string kind = item["kind"];
    Hash got{};
    if (kind == "empty_root") {
      got = EmptyRoot();
      EXPECT_EQ(HashToHex(RootFromLeafHashes({})), item["want"]);
    } else if (kind == "leaf") {
      got = HashLeaf(Bytes(item["input_hex"]));
    } else if (kind == "node") {
      got = HashChildrenBytes(Bytes(item["left_hex"]), Bytes(item["right_hex"]));
    } else {
      ADD_FAILURE() << "unknown primitive kind " << kind;
      continue;
    }
    EXPECT_EQ(HashToHex(got), item["want"]) << item["desc"];
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST_F(MerkleVectorsTest, Tree8RootsAtEverySizeAgreeAcrossImplementations) {
  const auto& tree8 = vectors_["tree8"];
  const auto leaves = LeafHashesFromHex(tree8["leaf_inputs_hex"]);
  ASSERT_EQ(leaves.size(), 8u);
  CompactRange compact;
  MerkleTree tree;
  for (size_t size = 0; size <= leaves.size(); ++size) {
    if (size > 0) {
      compact.Append(leaves[size - 1]);
      tree.Append(leaves[size - 1]);
    }
    const std::string want = tree8["root_by_tree_size"][std::to_string(size)];
    EXPECT_EQ(HashToHex(RootFromLeafHashes(std::span(leaves).first(size))), want) << size;
    EXPECT_EQ(HashToHex(compact.Root()), want) << size;
    EXPECT_EQ(HashToHex(tree.Root()), want) << size;
  }
  for (size_t size = 0; size <= leaves.size(); ++size) {
    EXPECT_EQ(HashToHex(*tree.RootAt(size)),
              tree8["root_by_tree_size"][std::to_string(size)].get<std::string>());
  }
}

TEST_F(MerkleVectorsTest, Tree8NodeHashes) {
  const auto& tree8 = vectors_["tree8"];
  const auto leaves = LeafHashesFromHex(tree8["leaf_inputs_hex"]);
  const auto& levels = tree8["node_hashes_by_level"]["levels"];
  int checked = 0;
  for (size_t height = 0; height < levels.size(); ++height) {
    const size_t width = size_t{1} << height;
    for (size_t pos = 0; pos < levels[height].size(); ++pos) {
      const auto range = std::span(leaves).subspan(pos * width, width);
      EXPECT_EQ(HashToHex(RootFromLeafHashes(range)), levels[height][pos]) << height << "/" << pos;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 15);
}

TEST_F(MerkleVectorsTest, Rfc6962ExampleProofsMatchSymbolicPaths) {
  const auto& example = vectors_["rfc6962_section_2_1_3_example"];
  const auto leaves = LeafHashesFromHex(example["leaf_inputs_hex"]);
  ASSERT_EQ(leaves.size(), 7u);
  const auto& labels = example["labels"];
  auto resolve = [&labels](const json& symbols) {
    std::vector<std::string> out;
    for (const auto& symbol : symbols) out.push_back(labels[symbol.get<std::string>()]);
    return out;
  };
  EXPECT_EQ(HashToHex(RootFromLeafHashes(leaves)), labels["hash"]);
  for (const auto& [name, symbols] : example["audit_paths_symbolic"].items()) {
    const std::uint64_t index = std::stoull(name.substr(1));
    auto proof = InclusionProof(leaves, index, 7);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(HexList(*proof), resolve(symbols)) << name;
    EXPECT_TRUE(VerifyInclusion(index, 7, leaves[index], *proof, RootFromLeafHashes(leaves)).ok());
  }
  int checked = 0;
  for (const auto& [name, symbols] : example["consistency_proofs_symbolic"].items()) {
    // "PROOF(3, D[7]) hash0->hash"
    const std::uint64_t old_size = std::stoull(name.substr(name.find('(') + 1));
    auto proof = ConsistencyProof(leaves, old_size, 7);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(HexList(*proof), resolve(symbols)) << name;
    const Hash old_root = RootFromLeafHashes(std::span(leaves).first(old_size));
    EXPECT_TRUE(VerifyConsistency(old_size, 7, *proof, old_root, RootFromLeafHashes(leaves)).ok());
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST_F(MerkleVectorsTest, PublishedInclusionProofsVerifyAndAreRegenerated) {
  const auto leaves = LeafHashesFromHex(vectors_["tree8"]["leaf_inputs_hex"]);
  ASSERT_FALSE(vectors_["inclusion_proofs"].empty());
  for (const auto& item : vectors_["inclusion_proofs"]) {
    const std::uint64_t index = item["leaf_index"];
    const std::uint64_t size = item["tree_size"];
    EXPECT_EQ(HashToHex(HashLeaf(Bytes(item["leaf_input_hex"]))), item["leaf_hash"]);
    Status status = VerifyInclusion(index, size, Bytes(item["leaf_hash"]),
                                    BytesList(item["proof"]), Bytes(item["root"]));
    EXPECT_TRUE(status.ok()) << status.ToString();
    auto proof = InclusionProof(leaves, index, size);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(json(HexList(*proof)), item["proof"]);
  }
}

TEST_F(MerkleVectorsTest, PublishedConsistencyProofsVerifyAndAreRegenerated) {
  const auto leaves = LeafHashesFromHex(vectors_["tree8"]["leaf_inputs_hex"]);
  ASSERT_FALSE(vectors_["consistency_proofs"].empty());
  for (const auto& item : vectors_["consistency_proofs"]) {
    const std::uint64_t size1 = item["size1"];
    const std::uint64_t size2 = item["size2"];
    Status status = VerifyConsistency(size1, size2, BytesList(item["proof"]), Bytes(item["root1"]),
                                      Bytes(item["root2"]));
    EXPECT_TRUE(status.ok()) << status.ToString();
    auto proof = ConsistencyProof(leaves, size1, size2);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(json(HexList(*proof)), item["proof"]);
  }
}

// The held-back sections (upstream_probes, exhaustive_tree8, larger_trees) are walked
// generically: any object with a proof and index/size fields is an inclusion case, with a proof
// and size1/size2 a consistency case. Missing leaf hashes or roots are recomputed from the
// section's leaves, and valid cases must also be regenerated byte for byte.
struct WalkStats {
  int inclusion = 0;
  int consistency = 0;
  int roots = 0;
  int rejected = 0;
};

std::optional<bool> ExpectValid(const json& item) {
  if (const json* flag =
          FindKey(item, {"valid", "want_valid", "expect_valid", "should_verify", "accept"});
      flag != nullptr && flag->is_boolean()) {
    return flag->get<bool>();
  }
  if (const json* flag = FindKey(item, {"want_err", "wantErr", "expect_error", "must_reject",
                                        "reject", "should_fail", "invalid"});
      flag != nullptr && flag->is_boolean()) {
    return !flag->get<bool>();
  }
  if (const json* word = FindKey(item, {"expect", "expected", "want", "result", "outcome"});
      word != nullptr && word->is_string()) {
    const std::string text = *word;
    if (text.find("reject") != std::string::npos || text.find("invalid") != std::string::npos ||
        text.find("fail") != std::string::npos || text.find("err") != std::string::npos) {
      return false;
    }
    return true;
  }
  return std::nullopt;
}

// DecodeAll decodes hex strings; garbage that is not hex makes the case one that must fail.
bool DecodeAll(const json& list, std::vector<std::string>& out) {
  for (const auto& item : list) {
    if (!item.is_string()) return false;
    auto bytes = HexDecode(item.get<std::string>());
    if (!bytes.ok()) return false;
    out.push_back(*bytes);
  }
  return true;
}

void WalkProofCases(const json& node, const std::vector<Hash>& leaves, const std::string& where,
                    WalkStats& stats) {
  if (node.is_array()) {
    for (size_t pos = 0; pos < node.size(); ++pos) {
      WalkProofCases(node[pos], leaves, where + "[" + std::to_string(pos) + "]", stats);
    }
    return;
  }
  if (!node.is_object()) return;
  const json* proof_field = FindKey(node, {"proof", "path", "audit_path", "consistency_path"});
  const json* index_field = FindKey(node, {"leaf_index", "leafIdx", "leafIndex", "index"});
  const json* size_field = FindKey(node, {"tree_size", "treeSize", "size"});
  const json* size1_field = FindKey(node, {"size1", "old_size", "first", "from"});
  const json* size2_field = FindKey(node, {"size2", "new_size", "second", "to"});
  const std::string label =
      where + (node.contains("file") ? " " + node["file"].get<std::string>() : "");
  const bool valid = ExpectValid(node).value_or(true);

  if (proof_field != nullptr && proof_field->is_array() && index_field != nullptr &&
      size_field != nullptr) {
    const std::uint64_t index = *index_field;
    const std::uint64_t size = *size_field;
    std::string leaf_hash;
    std::string root;
    bool decodable = true;
    if (const json* field = FindKey(node, {"leaf_hash", "leafHash"})) {
      auto bytes = HexDecode(field->get<std::string>());
      decodable = decodable && bytes.ok();
      if (bytes.ok()) leaf_hash = *bytes;
    } else if (const json* input = FindKey(node, {"leaf_input_hex", "leaf_hex"})) {
      leaf_hash = std::string(HashBytes(HashLeaf(Bytes(*input))));
    } else if (index < leaves.size()) {
      leaf_hash = std::string(HashBytes(leaves[index]));
    }
    if (const json* field = FindKey(node, {"root", "root_hash"})) {
      auto bytes = HexDecode(field->get<std::string>());
      decodable = decodable && bytes.ok();
      if (bytes.ok()) root = *bytes;
    } else if (size <= leaves.size()) {
      root = std::string(HashBytes(RootFromLeafHashes(std::span(leaves).first(size))));
    }
    std::vector<std::string> proof;
    decodable = DecodeAll(*proof_field, proof) && decodable;
    const Status status = decodable ? VerifyInclusion(index, size, leaf_hash, proof, root)
                                    : Status::InvalidArgument("undecodable");
    EXPECT_EQ(status.ok(), valid) << label << ": " << status.ToString();
    if (!status.ok()) {
      EXPECT_FALSE(status.message().empty()) << label;
      ++stats.rejected;
    }
    if (valid && size <= leaves.size() && index < size) {
      auto generated = InclusionProof(leaves, index, size);
      ASSERT_TRUE(generated.ok());
      EXPECT_EQ(BytesList(*generated), proof) << label;
    }
    ++stats.inclusion;
    return;
  }
  if (proof_field != nullptr && proof_field->is_array() && size1_field != nullptr &&
      size2_field != nullptr) {
    const std::uint64_t size1 = *size1_field;
    const std::uint64_t size2 = *size2_field;
    std::string root1;
    std::string root2;
    bool decodable = true;
    auto root_or_computed = [&](std::initializer_list<const char*> names, std::uint64_t size,
                                std::string& out) {
      if (const json* field = FindKey(node, names)) {
        auto bytes = HexDecode(field->get<std::string>());
        decodable = decodable && bytes.ok();
        if (bytes.ok()) out = *bytes;
      } else if (size <= leaves.size()) {
        out = std::string(HashBytes(RootFromLeafHashes(std::span(leaves).first(size))));
      }
    };
    root_or_computed({"root1", "old_root", "first_hash"}, size1, root1);
    root_or_computed({"root2", "new_root", "second_hash"}, size2, root2);
    std::vector<std::string> proof;
    decodable = DecodeAll(*proof_field, proof) && decodable;
    const Status status = decodable ? VerifyConsistency(size1, size2, proof, root1, root2)
                                    : Status::InvalidArgument("undecodable");
    EXPECT_EQ(status.ok(), valid) << label << ": " << status.ToString();
    if (!status.ok()) ++stats.rejected;
    if (valid && size2 <= leaves.size()) {
      auto generated = ConsistencyProof(leaves, size1, size2);
      ASSERT_TRUE(generated.ok());
      EXPECT_EQ(BytesList(*generated), proof) << label;
    }
    ++stats.consistency;
    return;
  }
  for (const auto& [key, value] : node.items()) {
    // A map from decimal tree size to root, or a {tree_size, root} object without a proof.
    if (value.is_string() && !key.empty() &&
        std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        value.get<std::string>().size() == 2 * kHashSize) {
      const std::uint64_t size = std::stoull(key);
      if (size <= leaves.size()) {
        EXPECT_EQ(HashToHex(RootFromLeafHashes(std::span(leaves).first(size))), value)
            << where << "." << key;
        ++stats.roots;
      }
      continue;
    }
    WalkProofCases(value, leaves, where + "." + key, stats);
  }
  if (size_field != nullptr && size_field->is_number_unsigned() && proof_field == nullptr) {
    if (const json* root = FindKey(node, {"root", "root_hash"});
        root != nullptr && *size_field <= leaves.size()) {
      EXPECT_EQ(HashToHex(RootFromLeafHashes(std::span(leaves).first(*size_field))), *root)
          << where;
      ++stats.roots;
    }
  }
}

TEST_F(MerkleVectorsTest, UpstreamProbesAcceptExactlyTheValidOnes) {
  if (!vectors_.contains("upstream_probes")) GTEST_SKIP() << "section not in the public vectors";
  WalkStats stats;
  WalkProofCases(vectors_["upstream_probes"], {}, "upstream_probes", stats);
  EXPECT_GT(stats.inclusion, 0);
  EXPECT_GT(stats.consistency, 0);
  EXPECT_GT(stats.rejected, 0);
}

TEST_F(MerkleVectorsTest, ExhaustiveTree8ProofsVerifyAndRegenerate) {
  if (!vectors_.contains("exhaustive_tree8")) GTEST_SKIP() << "section not in the public vectors";
  const auto leaves = LeafHashesFromHex(vectors_["tree8"]["leaf_inputs_hex"]);
  WalkStats stats;
  WalkProofCases(vectors_["exhaustive_tree8"], leaves, "exhaustive_tree8", stats);
  EXPECT_GT(stats.inclusion + stats.consistency, 0);
}

TEST_F(MerkleVectorsTest, LargerTreesRootsAndProofs) {
  if (!vectors_.contains("larger_trees")) GTEST_SKIP() << "section not in the public vectors";
  std::vector<Hash> leaves;
  for (int pos = 0; pos < 4100; ++pos) leaves.push_back(HashLeaf("incident-audit-" + std::to_string(pos)));
  WalkStats stats;
  WalkProofCases(vectors_["larger_trees"], leaves, "larger_trees", stats);
  EXPECT_GT(stats.roots + stats.inclusion + stats.consistency, 0);
}

// Property tests over random trees: every generated proof verifies, every mutation fails.
class MerklePropertyTest : public ::testing::Test {
 protected:
  std::vector<Hash> RandomLeaves(size_t count) {
    std::vector<Hash> leaves;
    for (size_t pos = 0; pos < count; ++pos) {
      std::string data(1 + rng_() % 40, '\0');
      for (char& c : data) c = static_cast<char>(rng_());
      leaves.push_back(HashLeaf(data));
    }
    return leaves;
  }
  std::mt19937_64 rng_{20261128};
};

std::vector<std::vector<Hash>> Mutations(const std::vector<Hash>& proof, const Hash& extra) {
  std::vector<std::vector<Hash>> out;
  if (!proof.empty()) {
    out.emplace_back(proof.begin(), proof.end() - 1);  // truncated
    out.emplace_back(proof.begin() + 1, proof.end());  // first dropped
    for (size_t pos = 0; pos < proof.size(); ++pos) {
      auto flipped = proof;
      flipped[pos][pos % kHashSize] ^= static_cast<std::uint8_t>(1u << (pos % 8));
      out.push_back(flipped);
    }
  }
  auto extended = proof;
  extended.push_back(extra);
  out.push_back(extended);
  auto prefixed = proof;
  prefixed.insert(prefixed.begin(), extra);
  out.push_back(prefixed);
  return out;
}

TEST_F(MerklePropertyTest, EveryInclusionProofUpTo70LeavesVerifiesAndMutationsFail) {
  for (std::uint64_t size = 1; size <= 70; ++size) {
    const auto leaves = RandomLeaves(size);
    MerkleTree tree;
    for (const auto& leaf : leaves) tree.Append(leaf);
    const Hash root = RootFromLeafHashes(leaves);
    ASSERT_EQ(tree.Root(), root) << size;
    for (std::uint64_t index = 0; index < size; ++index) {
      auto proof = tree.InclusionProof(index, size);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, *InclusionProof(leaves, index, size)) << index << "/" << size;
      ASSERT_TRUE(VerifyInclusion(index, size, leaves[index], *proof, root).ok())
          << index << "/" << size;
      for (const auto& bad : Mutations(*proof, leaves[0])) {
        EXPECT_FALSE(VerifyInclusion(index, size, leaves[index], bad, root).ok())
            << index << "/" << size;
      }
      EXPECT_FALSE(VerifyInclusion(index, size, leaves[(index + 1) % size], *proof, root).ok() &&
                   size > 1);
      EXPECT_FALSE(VerifyInclusion(size, size, leaves[index], *proof, root).ok());
    }
  }
}

TEST_F(MerklePropertyTest, EveryConsistencyProofUpTo70LeavesVerifiesAndMutationsFail) {
  for (std::uint64_t new_size = 1; new_size <= 70; ++new_size) {
    const auto leaves = RandomLeaves(new_size);
    MerkleTree tree;
    for (const auto& leaf : leaves) tree.Append(leaf);
    const Hash new_root = tree.Root();
    for (std::uint64_t old_size = 1; old_size <= new_size; ++old_size) {
      const Hash old_root = *tree.RootAt(old_size);
      auto proof = tree.ConsistencyProof(old_size, new_size);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, *ConsistencyProof(leaves, old_size, new_size));
      ASSERT_TRUE(VerifyConsistency(old_size, new_size, *proof, old_root, new_root).ok())
          << old_size << "->" << new_size;
      for (const auto& bad : Mutations(*proof, leaves[0])) {
        EXPECT_FALSE(VerifyConsistency(old_size, new_size, bad, old_root, new_root).ok())
            << old_size << "->" << new_size;
      }
      if (old_size < new_size) {
        EXPECT_FALSE(VerifyConsistency(old_size, new_size, *proof, new_root, new_root).ok());
        EXPECT_FALSE(VerifyConsistency(new_size, old_size, *proof, new_root, old_root).ok());
      }
    }
  }
}

TEST(MerkleVerifyTest, MalformedInputsAreRejectedWithAReason) {
  const std::string good(kHashSize, 'a');
  struct Case {
    const char* name;
    std::function<Status()> run;
    const char* want_substring;
  };
  const std::vector<std::string> one{good};
  const std::vector<std::string> short_hash{std::string(31, 'a')};
  const std::vector<Case> cases = {
      {"index equals size", [&] { return VerifyInclusion(1, 1, good, {}, good); }, "not below"},
      {"index above size", [&] { return VerifyInclusion(9, 2, good, one, good); }, "not below"},
      {"size zero", [&] { return VerifyInclusion(0, 0, good, {}, good); }, "not below"},
      {"short leaf", [&] { return VerifyInclusion(0, 1, good.substr(1), {}, good); }, "leaf hash"},
      {"long root", [&] { return VerifyInclusion(0, 1, good, {}, good + "x"); }, "root"},
      {"short proof hash", [&] { return VerifyInclusion(0, 2, good, short_hash, good); },
       "proof[0]"},
      {"proof too long", [&] { return VerifyInclusion(0, 1, good, one, good); }, "too long"},
      {"proof too short", [&] { return VerifyInclusion(0, 2, good, {}, good); }, "too short"},
      {"old above new", [&] { return VerifyConsistency(3, 2, one, good, good); }, "larger"},
      {"from zero", [&] { return VerifyConsistency(0, 2, {}, good, good); }, "empty tree"},
      {"equal sizes with proof", [&] { return VerifyConsistency(2, 2, one, good, good); },
       "empty proof"},
      {"empty proof", [&] { return VerifyConsistency(1, 2, {}, good, good); }, "empty"},
      {"short old root", [&] { return VerifyConsistency(1, 2, one, "x", good); }, "old root"},
      {"huge sizes", [&] { return VerifyConsistency(~0ull - 1, ~0ull, one, good, good); }, ""},
  };
  for (const auto& c : cases) {
    const Status status = c.run();
    EXPECT_FALSE(status.ok()) << c.name;
    EXPECT_NE(status.message().find(c.want_substring), std::string::npos)
        << c.name << ": " << status.message();
  }
}

TEST(CompactRangeTest, MatchesReferenceRootForEverySizeTo300) {
  CompactRange compact;
  std::vector<Hash> leaves;
  for (int pos = 0; pos < 300; ++pos) {
    leaves.push_back(HashLeaf(std::to_string(pos)));
    compact.Append(leaves.back());
    ASSERT_EQ(compact.Root(), RootFromLeafHashes(leaves)) << pos;
  }
  EXPECT_EQ(compact.size(), 300u);
}

TEST(MerkleTreeTest, RejectsProofsBeyondItsSize) {
  MerkleTree tree;
  tree.Append(HashLeaf("a"));
  tree.Append(HashLeaf("b"));
  EXPECT_FALSE(tree.InclusionProof(0, 3).ok());
  EXPECT_FALSE(tree.InclusionProof(2, 2).ok());
  EXPECT_FALSE(tree.ConsistencyProof(1, 3).ok());
  EXPECT_FALSE(tree.ConsistencyProof(0, 2).ok());
  EXPECT_FALSE(tree.RootAt(3).ok());
}

}  // namespace
}  // namespace vakt::audit
