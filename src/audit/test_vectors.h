#pragma once

// Test-only helpers: load $VAKT_SHARED_DIR/testdata/merkle/vectors.json and read its fields.
// Included only by *_test.cc files.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "common/crypto.h"

namespace vakt::audit::testing {

inline std::string SharedDir() {
  const char* dir = std::getenv("VAKT_SHARED_DIR");
  // Fallback: see VAKT_TEST_SHARED_DIR in src/audit/CMakeLists.txt.
  return dir != nullptr ? dir : VAKT_TEST_SHARED_DIR;
}

inline nlohmann::json LoadMerkleVectors() {
  const std::string path = SharedDir() + "/testdata/merkle/vectors.json";
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return nlohmann::json::object();
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return nlohmann::json::parse(buffer.str());
}

// Bytes decodes a hex field; the vectors use lowercase hex everywhere.
inline std::string Bytes(const nlohmann::json& hex) {
  auto bytes = HexDecode(hex.get<std::string>());
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::string();
}

// FindKey returns the first of `names` present in the object (the held-back sections may use
// upstream field spellings such as leafIdx / treeSize).
inline const nlohmann::json* FindKey(const nlohmann::json& object,
                                     std::initializer_list<const char*> names) {
  if (!object.is_object()) return nullptr;
  for (const char* name : names) {
    auto it = object.find(name);
    if (it != object.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

}  // namespace vakt::audit::testing
