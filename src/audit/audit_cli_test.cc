// End-to-end tests of `vakt audit verify-inclusion|verify-consistency`: runs the built binary
// ($VAKT_BINARY_DIR/src/main/vakt) on the published vectors and on malformed input.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "audit/test_vectors.h"

namespace vakt::audit {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// RunVakt runs the binary with arguments that are single-quoted for the shell (test inputs are
// hex, digits and flag names, never quotes).
RunResult RunVakt(const std::vector<std::string>& args) {
  // cmake/VaktModule.cmake passes only the first ENVIRONMENT entry to ctest today (a list inside
  // PROPERTIES is flattened), so fall back to the build directory compiled in.
  const char* binary_dir = std::getenv("VAKT_BINARY_DIR");
  std::string command =
      std::string(binary_dir != nullptr ? binary_dir : VAKT_TEST_BINARY_DIR) + "/src/main/vakt";
  for (const auto& arg : args) command += " '" + arg + "'";
  const std::string stem = ::testing::TempDir() + "/vakt_cli_" + std::to_string(::getpid());
  command += " >" + stem + ".out 2>" + stem + ".err";
  const int raw = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = ReadAll(stem + ".out");
  result.err = ReadAll(stem + ".err");
  return result;
}

std::string Join(const nlohmann::json& list) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : ",") + item.get<std::string>();
  return out;
}

// FlipHexDigit changes one hex digit so the value stays well formed but wrong.
std::string FlipHexDigit(std::string hex, size_t pos) {
  hex[pos] = hex[pos] == '0' ? '1' : '0';
  return hex;
}

TEST(AuditCliTest, PublishedInclusionProofsAreValid) {
  const auto vectors = testing::LoadMerkleVectors();
  for (const auto& item : vectors["inclusion_proofs"]) {
    auto run = RunVakt({"audit", "verify-inclusion", "--leaf-hash", item["leaf_hash"], "--index",
                        std::to_string(item["leaf_index"].get<int>()), "--size",
                        std::to_string(item["tree_size"].get<int>()), "--root", item["root"],
                        "--proof", Join(item["proof"])});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("valid"), std::string::npos);
  }
}

TEST(AuditCliTest, PublishedConsistencyProofsAreValid) {
  const auto vectors = testing::LoadMerkleVectors();
  for (const auto& item : vectors["consistency_proofs"]) {
    auto run = RunVakt({"audit", "verify-consistency", "--old-size",
                        std::to_string(item["size1"].get<int>()), "--new-size",
                        std::to_string(item["size2"].get<int>()), "--old-root", item["root1"],
                        "--new-root", item["root2"], "--proof", Join(item["proof"])});
    EXPECT_EQ(run.exit_code, 0) << run.err;
  }
}

TEST(AuditCliTest, InvalidProofsExitOneWithAReason) {
  const auto vectors = testing::LoadMerkleVectors();
  const auto& item = vectors["inclusion_proofs"][1];  // leaf 0 of 8, three-hash proof
  ASSERT_EQ(item["proof"].size(), 3u);
  const std::string leaf = item["leaf_hash"];
  const std::string root = item["root"];
  const std::string proof = Join(item["proof"]);
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"flipped root", {"--index", "0", "--size", "8", "--root", FlipHexDigit(root, 5), "--proof", proof}, "root"},
      {"wrong index", {"--index", "1", "--size", "8", "--root", root, "--proof", proof}, "root"},
      {"index == size", {"--index", "8", "--size", "8", "--root", root, "--proof", proof}, "not below"},
      {"truncated proof", {"--index", "0", "--size", "8", "--root", root, "--proof", proof.substr(0, 129)}, "too short"},
      {"extended proof", {"--index", "0", "--size", "8", "--root", root, "--proof", proof + "," + root}, "too long"},
      {"short root", {"--index", "0", "--size", "8", "--root", root.substr(2), "--proof", proof}, "31 bytes"},
      {"short proof hash", {"--index", "0", "--size", "8", "--root", root, "--proof", proof.substr(2)}, "proof[0]"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"audit", "verify-inclusion", "--leaf-hash", leaf};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto run = RunVakt(args);
    EXPECT_EQ(run.exit_code, 1) << c.name << ": " << run.err;
    EXPECT_NE(run.err.find(c.reason), std::string::npos) << c.name << ": " << run.err;
  }
  const auto& consistency = vectors["consistency_proofs"][1];  // 1 -> 8
  auto run = RunVakt({"audit", "verify-consistency", "--old-size", "1", "--new-size", "8",
                      "--old-root", consistency["root1"], "--new-root",
                      FlipHexDigit(consistency["root2"], 0), "--proof",
                      Join(consistency["proof"])});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("new root"), std::string::npos) << run.err;
  run = RunVakt({"audit", "verify-consistency", "--old-size", "9", "--new-size", "8", "--old-root",
                 consistency["root1"], "--new-root", consistency["root2"], "--proof",
                 Join(consistency["proof"])});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("larger"), std::string::npos) << run.err;
}

TEST(AuditCliTest, UsageErrorsExitTwo) {
  const std::string hash(64, 'a');
  const std::vector<std::vector<std::string>> cases = {
      {"audit", "verify-inclusion", "--index", "0", "--size", "1", "--root", hash},  // no leaf
      {"audit", "verify-inclusion", "--leaf-hash", "zz", "--index", "0", "--size", "1", "--root", hash},
      {"audit", "verify-inclusion", "--leaf-hash", hash, "--index", "x", "--size", "1", "--root", hash},
      {"audit", "verify-inclusion", "--leaf-hash", hash, "--index", "0", "--size", "1", "--root", hash, "--proof", "abc"},
      {"audit", "verify-consistency", "--old-size", "1", "--new-size", "2", "--old-root", hash},
      {"audit", "verify-consistency", "--old-size", "1", "--new-size", "2", "--old-root", hash, "--new-root", hash, "--proof", hash + ",,"},
      {"audit", "frobnicate"},
  };
  for (const auto& args : cases) {
    auto run = RunVakt(args);
    EXPECT_EQ(run.exit_code, 2) << args[1] << " " << args[2] << ": " << run.err;
    EXPECT_FALSE(run.err.empty());
  }
}

}  // namespace
}  // namespace vakt::audit
