#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

// The strict YAML front-end shared by every vakt configuration file (pipeline catalogue, runbooks).
// It lives in catalog/ because the catalogue is the lowest-layer module that reads YAML; runbook/
// builds on it. See docs/runbook_schema.md ("Strict YAML") for the rules it enforces.
namespace vakt::catalog {

// YamlLimits bound what an untrusted YAML file may cost before any domain code looks at it.
struct YamlLimits {
  size_t max_bytes = 1 << 20;  // files over 1 MiB are rejected unread
  int max_depth = 48;          // nesting of blocks and flow collections, checked before parsing
  size_t max_nodes = 10'000;   // nodes after alias expansion (billion-laughs guard)
};

// YamlPos is a 1-based line and column (yaml-cpp marks are 0-based; we convert once, here).
struct YamlPos {
  int line = 0;
  int column = 0;
};

// YamlNode is a fully expanded, validated copy of a YAML document: no aliases, no tags, no
// duplicate keys, only string keys. Pure data; safe to share read-only between threads.
struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  YamlPos pos;
  std::string scalar;              // kScalar: the text
  bool plain = false;              // kScalar: unquoted, so YAML 1.1 tools may re-type it
  std::vector<std::string> keys;   // kMap: keys in document order
  std::vector<YamlPos> key_pos;    // kMap: where each key is
  std::vector<YamlNode> items;     // kSequence: elements; kMap: values aligned with keys
};

// Diagnostic is one problem at one place in one file.
struct Diagnostic {
  std::string source;
  YamlPos pos;
  std::string message;
  // ToString renders "source:line:column: message" (the form editors and CI annotate).
  std::string ToString() const;
};

// Diagnostics collects every problem found in one file, so a user fixes them in one pass.
// Not thread-safe.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}
  void Add(YamlPos pos, std::string message);
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  const std::string& source() const { return source_; }
  // ToStatus is Ok when empty, else InvalidArgument with one "file:line:col: message" per line.
  Status ToStatus() const;

 private:
  std::string source_;
  std::vector<Diagnostic> items_;
};

// ParseStrictYaml checks `text` against `limits` (size, nesting depth pre-scan so yaml-cpp's
// recursive parser never sees a hostile depth), parses it with yaml-cpp and converts it into a
// YamlNode, rejecting: syntax errors, more than one document, custom/explicit tags (!include,
// !!python/...), non-string or duplicate mapping keys, and alias expansion beyond max_nodes.
// Returns false and fills `diags` on any problem.
bool ParseStrictYaml(std::string_view text, const YamlLimits& limits, Diagnostics& diags,
                     YamlNode* out);

// Yaml11Ambiguity returns why YAML 1.1 tools (PyYAML, Go yaml.v2, Ansible) would read the plain
// scalar `text` as something other than a string ("yes" → bool, "010" → octal, "1:30" → base 60,
// "1.10" → float 1.1, "~" → null), or "" when the scalar is unambiguous.
std::string Yaml11Ambiguity(std::string_view text);

// Typed readers for schema decoders. Each returns false after adding a diagnostic at the node.
bool ReadString(const YamlNode& node, Diagnostics& diags, std::string* out);
bool ReadBool(const YamlNode& node, Diagnostics& diags, bool* out);
bool ReadInt(const YamlNode& node, Diagnostics& diags, std::int64_t min, std::int64_t max,
             std::int64_t* out);
bool ReadDouble(const YamlNode& node, Diagnostics& diags, double* out);
// ReadDuration accepts "30s", "5m", "1h30m" (common/time_format.h ParseDuration), > 0.
bool ReadDuration(const YamlNode& node, Diagnostics& diags, TimeMs* out);
bool ReadStringList(const YamlNode& node, Diagnostics& diags, std::vector<std::string>* out);
bool ReadStringMap(const YamlNode& node, Diagnostics& diags,
                   std::map<std::string, std::string, std::less<>>* out);

// MapReader reads one mapping strictly: every key must be consumed by Get/Require, and Finish
// reports the rest as unknown keys. Not thread-safe; borrows node and diags.
class MapReader {
 public:
  // `what` names the mapping in messages ("step", "metadata").
  MapReader(const YamlNode& node, Diagnostics& diags, std::string what);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool ok() const { return ok_; }
  const YamlPos& pos() const { return node_.pos; }
  // Get returns the value of an optional key, or nullptr when absent (or the node was no map).
  const YamlNode* Get(std::string_view key);
  // Require is Get plus a "missing required key" diagnostic when absent.
  const YamlNode* Require(std::string_view key);
  // KeyPos returns where `key` is written (the mapping's own position when absent).
  YamlPos KeyPos(std::string_view key) const;
  // Finish reports each key that no Get/Require asked for as `unknown key "name"`.
  void Finish();

 private:
  const YamlNode& node_;
  Diagnostics& diags_;
  std::string what_;
  bool ok_ = false;
  std::vector<bool> used_;
};

}  // namespace vakt::catalog
