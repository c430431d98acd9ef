#include "oncall/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/file_read.h"
#include "common/time_format.h"

namespace vakt::oncall {

Result<YamlReader> YamlReader::LoadFile(const std::string& file) {
  VAKT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(file));
  return LoadString(text, file);
}

Result<YamlReader> YamlReader::LoadString(std::string_view text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return YamlReader(root, file, "");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Status YamlReader::Error(std::string_view message) const {
  const YAML::Mark mark = node_.Mark();
  std::string where = path_.empty() ? "(root)" : path_;
  if (mark.line >= 0) {
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}: {}", file_, mark.line + 1, mark.column + 1, where, message));
  }
  return Status::InvalidArgument(fmt::format("{}: {}: {}", file_, where, message));
}

Status YamlReader::ExpectMap(std::initializer_list<std::string_view> allowed) const {
  if (!node_.IsMap()) return Error("expected a mapping");
  try {
    for (const auto& entry : node_) {
      const std::string key = entry.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string names;
        for (std::string_view name : allowed)
          names += (names.empty() ? "" : ", ") + std::string(name);
        return YamlReader(entry.first, file_, path_)
            .Error(fmt::format("unknown key \"{}\" (allowed: {})", key, names));
      }
    }
  } catch (const YAML::Exception& e) {
    return Error(e.msg);
  }
  return Status::Ok();
}

bool YamlReader::Has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined() && !node_[std::string(key)].IsNull();
}

YamlReader YamlReader::Child(std::string_view key) const {
  std::string child_path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  return YamlReader(node_[std::string(key)], file_, std::move(child_path));
}

Result<std::vector<YamlReader>> YamlReader::Items() const {
  if (!node_.IsSequence()) return Error("expected a list");
  std::vector<YamlReader> items;
  for (std::size_t index = 0; index < node_.size(); ++index) {
    items.emplace_back(node_[index], file_, fmt::format("{}[{}]", path_, index));
  }
  return items;
}

Result<std::string> YamlReader::AsString() const {
  if (!node_.IsScalar()) return Error("expected a string");
  return node_.Scalar();
}

Result<long long> YamlReader::AsInt() const {
  if (!node_.IsScalar()) return Error("expected an integer");
  const std::string& text = node_.Scalar();
  try {
    std::size_t used = 0;
    long long value = std::stoll(text, &used);
    if (used != text.size()) return Error(fmt::format("expected an integer, got \"{}\"", text));
    return value;
  } catch (const std::exception&) {
    return Error(fmt::format("expected an integer, got \"{}\"", text));
  }
}

Result<bool> YamlReader::AsBool() const {
  if (!node_.IsScalar()) return Error("expected true or false");
  // Only the two YAML 1.2 spellings: "yes"/"on" are ambiguous scalars and rejected.
  if (node_.Scalar() == "true") return true;
  if (node_.Scalar() == "false") return false;
  return Error(fmt::format("expected true or false, got \"{}\"", node_.Scalar()));
}

Result<TimeMs> YamlReader::AsDuration() const {
  if (!node_.IsScalar()) return Error("expected a duration such as 5m");
  Result<TimeMs> value = ParseDuration(node_.Scalar());
  if (!value.ok())
    return Error(fmt::format("bad duration \"{}\": {}", node_.Scalar(), value.status().message()));
  return value;
}

Result<TimeMs> YamlReader::AsTime() const {
  if (!node_.IsScalar()) return Error("expected an RFC 3339 time");
  Result<TimeMs> value = ParseRfc3339(node_.Scalar());
  if (!value.ok())
    return Error(fmt::format("bad time \"{}\": {}", node_.Scalar(), value.status().message()));
  return value;
}

Result<std::vector<std::string>> YamlReader::AsStringList() const {
  VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, Items());
  std::vector<std::string> values;
  for (const YamlReader& item : items) {
    VAKT_ASSIGN_OR_RETURN(std::string value, item.AsString());
    values.push_back(std::move(value));
  }
  return values;
}

Result<std::string> YamlReader::RequiredString(std::string_view key) const {
  if (!Has(key)) return Error(fmt::format("missing required key \"{}\"", key));
  return Child(key).AsString();
}

Status YamlReader::OptionalString(std::string_view key, std::string& out) const {
  if (!Has(key)) return Status::Ok();
  VAKT_ASSIGN_OR_RETURN(out, Child(key).AsString());
  return Status::Ok();
}

}  // namespace vakt::oncall
