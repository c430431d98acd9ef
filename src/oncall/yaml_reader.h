#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::oncall {

// YamlReader walks one YAML node strictly (Alertmanager UnmarshalStrict style): unknown keys,
// wrong types and missing required keys are InvalidArgument errors naming the file, the path
// ("schedules[2].layers[0].turn"), the line:column and the offending value. It never throws;
// yaml-cpp exceptions are caught here, at the edge. A YamlReader is a cheap value; not
// thread-safe (yaml-cpp nodes share state), so use one per thread.
class YamlReader {
 public:
  YamlReader(YAML::Node node, std::string file, std::string path)
      : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

  // LoadFile parses `file`; NotFound when it cannot be read, InvalidArgument on syntax errors.
  static Result<YamlReader> LoadFile(const std::string& file);
  // LoadString parses `text` as if read from `file` (used by tests and the API).
  static Result<YamlReader> LoadString(std::string_view text, const std::string& file);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  bool IsMap() const { return node_.IsMap(); }

  // Error returns InvalidArgument "file:line:col: path: message".
  Status Error(std::string_view message) const;

  // ExpectMap fails unless the node is a mapping whose keys are all in `allowed`.
  Status ExpectMap(std::initializer_list<std::string_view> allowed) const;
  bool Has(std::string_view key) const;
  // Child returns the reader for `key` (REQUIRES: Has(key)).
  YamlReader Child(std::string_view key) const;
  // Items returns the elements of a sequence node; InvalidArgument if it is not a sequence.
  Result<std::vector<YamlReader>> Items() const;

  // Scalar readers for this node.
  Result<std::string> AsString() const;
  Result<long long> AsInt() const;
  Result<bool> AsBool() const;
  // AsDuration reads "5m", "1h30m" (common/time_format.h ParseDuration).
  Result<TimeMs> AsDuration() const;
  // AsTime reads an RFC 3339 instant.
  Result<TimeMs> AsTime() const;
  Result<std::vector<std::string>> AsStringList() const;

  // Required*/Optional* read child `key`; Optional* leave `out` untouched when absent.
  Result<std::string> RequiredString(std::string_view key) const;
  Status OptionalString(std::string_view key, std::string& out) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
};

}  // namespace vakt::oncall
