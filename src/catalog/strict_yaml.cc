#include "catalog/strict_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>

#include "common/time_format.h"

namespace vakt::catalog {
namespace {

const char* KindName(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::kNull:
      return "null";
    case YamlNode::Kind::kScalar:
      return "a scalar";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a mapping";
  }
  return "?";
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// DepthPreScan estimates the nesting depth of YAML text line by line (indentation levels, "- "
// sequence indicators and open flow brackets) without a recursive parser, so hostile input such
// as 100,000 '[' never reaches yaml-cpp. It over-approximates slightly (a multi-line plain scalar
// counts one level), never under-approximates for block and flow collections.
bool DepthPreScan(std::string_view text, int max_depth, Diagnostics& diags) {
  std::vector<int> indents;
  int flow_depth = 0;
  bool in_double = false;
  bool in_single = false;
  bool in_block_scalar = false;
  int block_scalar_indent = 0;
  int line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++line_no;
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const bool blank = indent == line.size();
    if (in_block_scalar) {
      if (blank || static_cast<int>(indent) > block_scalar_indent) continue;
      in_block_scalar = false;
    }
    if (blank || line[indent] == '#') {
      if (end == text.size()) break;
      continue;
    }
    size_t pos = indent;
    int dashes = 0;
    if (!in_double && !in_single && flow_depth == 0) {
      while (!indents.empty() && indents.back() > static_cast<int>(indent)) indents.pop_back();
      if (indents.empty() || indents.back() < static_cast<int>(indent)) {
        indents.push_back(static_cast<int>(indent));
      }
      while (pos < line.size() && (line[pos] == '-' || line[pos] == '?') &&
             (pos + 1 == line.size() || line[pos + 1] == ' ')) {
        ++dashes;
        pos += 1;
        while (pos < line.size() && line[pos] == ' ') ++pos;
      }
    }
    int peak_flow = flow_depth;
    size_t content_end = line.size();
    for (size_t i = pos; i < line.size(); ++i) {
      const char c = line[i];
      if (in_double) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_double = false;
        }
        continue;
      }
      if (in_single) {
        if (c == '\'') {
          if (i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;
          } else {
            in_single = false;
          }
        }
        continue;
      }
      const bool token_start = i == pos || line[i - 1] == ' ' || line[i - 1] == '[' ||
                               line[i - 1] == '{' || line[i - 1] == ',' || line[i - 1] == ':';
      if (c == '#' && (i == 0 || line[i - 1] == ' ')) {
        content_end = i;
        break;
      }
      if ((c == '"' || c == '\'') && token_start) {
        (c == '"' ? in_double : in_single) = true;
      } else if ((c == '[' || c == '{') && (token_start || flow_depth > 0)) {
        ++flow_depth;
        peak_flow = std::max(peak_flow, flow_depth);
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
      }
    }
    const int depth = static_cast<int>(indents.size()) + dashes + peak_flow;
    if (depth > max_depth) {
      diags.Add({line_no, static_cast<int>(indent) + 1},
                fmt::format("nesting deeper than {} levels", max_depth));
      return false;
    }
    if (flow_depth == 0 && !in_double && !in_single) {
      std::string_view content = line.substr(0, content_end);
      while (!content.empty() && content.back() == ' ') content.remove_suffix(1);
      // A block scalar header ("key: |", "- >-", "|2+") makes the following deeper lines text.
      size_t header = content.size();
      while (header > 0 && (content[header - 1] == '+' || content[header - 1] == '-' ||
                            IsDigit(content[header - 1]))) {
        --header;
      }
      if (header > 0 && (content[header - 1] == '|' || content[header - 1] == '>') &&
          (header == 1 || content[header - 2] == ' ')) {
        in_block_scalar = true;
        block_scalar_indent = static_cast<int>(indent);
      }
    }
    if (end == text.size()) break;
  }
  return true;
}

// Converter copies a yaml-cpp tree into YamlNode, expanding aliases under a node budget.
class Converter {
 public:
  Converter(const YamlLimits& limits, Diagnostics& diags) : limits_(limits), diags_(diags) {}

  bool Convert(const YAML::Node& in, int depth, YamlNode* out) {
    const YAML::Mark mark = in.Mark();
    out->pos = {mark.line + 1, mark.column + 1};
    if (++nodes_ > limits_.max_nodes) {
      diags_.Add(out->pos, fmt::format("document expands to more than {} nodes (alias bomb?)",
                                       limits_.max_nodes));
      return false;
    }
    if (depth > limits_.max_depth) {
      diags_.Add(out->pos, fmt::format("nesting deeper than {} levels", limits_.max_depth));
      return false;
    }
    const std::string& tag = in.Tag();
    if (!tag.empty() && tag != "?" && tag != "!") {
      diags_.Add(out->pos, fmt::format("tag \"{}\" is not allowed (no custom or explicit tags)",
                                       tag));
      return false;
    }
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out->kind = YamlNode::Kind::kNull;
        return true;
      case YAML::NodeType::Scalar:
        out->kind = YamlNode::Kind::kScalar;
        out->scalar = in.Scalar();
        out->plain = tag == "?";
        return true;
      case YAML::NodeType::Sequence:
        out->kind = YamlNode::Kind::kSequence;
        for (const auto& item : in) {
          out->items.emplace_back();
          if (!Convert(item, depth + 1, &out->items.back())) return false;
        }
        return true;
      case YAML::NodeType::Map:
        return ConvertMap(in, depth, out);
    }
    return true;
  }

 private:
  bool ConvertMap(const YAML::Node& in, int depth, YamlNode* out) {
    out->kind = YamlNode::Kind::kMap;
    std::map<std::string, YamlPos, std::less<>> seen;
    bool ok = true;
    for (auto it = in.begin(); it != in.end(); ++it) {
      YamlNode key;
      if (!Convert(it->first, depth + 1, &key)) return false;
      if (key.kind != YamlNode::Kind::kScalar) {
        diags_.Add(key.pos, "mapping keys must be strings");
        ok = false;
        continue;
      }
      if (key.plain) {
        if (std::string why = Yaml11Ambiguity(key.scalar); !why.empty()) {
          diags_.Add(key.pos, fmt::format("ambiguous key \"{}\": {}; quote it", key.scalar, why));
          ok = false;
        }
      }
      auto [prev, inserted] = seen.emplace(key.scalar, key.pos);
      if (!inserted) {
        diags_.Add(key.pos, fmt::format("duplicate key \"{}\" (first at {}:{})", key.scalar,
                                        prev->second.line, prev->second.column));
        ok = false;
        continue;
      }
      YamlNode value;
      if (!Convert(it->second, depth + 1, &value)) return false;
      // yaml-cpp marks an empty value at the start of the next line; point at its key instead.
      if (value.kind == YamlNode::Kind::kNull) value.pos = key.pos;
      out->keys.push_back(key.scalar);
      out->key_pos.push_back(key.pos);
      out->items.push_back(std::move(value));
    }
    return ok;
  }

  const YamlLimits& limits_;
  Diagnostics& diags_;
  size_t nodes_ = 0;
};

bool AllOf(std::string_view text, bool (*pred)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), pred);
}

}  // namespace

std::string Diagnostic::ToString() const {
  return fmt::format("{}:{}:{}: {}", source, pos.line, pos.column, message);
}

void Diagnostics::Add(YamlPos pos, std::string message) {
  items_.push_back({source_, pos, std::move(message)});
}

Status Diagnostics::ToStatus() const {
  if (items_.empty()) return Status::Ok();
  std::string text;
  for (const auto& item : items_) {
    if (!text.empty()) text += '\n';
    text += item.ToString();
  }
  return Status::InvalidArgument(std::move(text));
}

std::string Yaml11Ambiguity(std::string_view text) {
  static constexpr std::string_view kBools[] = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no",  "No",  "NO",  "true",
      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",  "off", "Off", "OFF"};
  for (std::string_view word : kBools) {
    if (text == word) return "YAML 1.1 reads it as a boolean";
  }
  if (text == "~" || text == "null" || text == "Null" || text == "NULL" || text.empty()) {
    return "YAML reads it as null";
  }
  std::string_view body = text;
  if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
  if (body.empty()) return "";
  auto digit_or_us = [](char c) { return IsDigit(c) || c == '_'; };
  if (body.size() > 1 && body[0] == '0') {
    const std::string_view rest = body.substr(1);
    if (std::all_of(rest.begin(), rest.end(), digit_or_us)) {
      return "YAML 1.1 reads a leading zero as an octal number";
    }
    if ((rest[0] == 'x' || rest[0] == 'X' || rest[0] == 'o' || rest[0] == 'b') && rest.size() > 1 &&
        std::all_of(rest.begin() + 1, rest.end(),
                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '_'; })) {
      return "YAML reads it as a number in another base";
    }
  }
  // Base 60 ("1:30" is 90, "22:00" is 1320 in YAML 1.1).
  if (IsDigit(body[0]) && body.find(':') != std::string_view::npos &&
      AllOf(body, [](char c) { return IsDigit(c) || c == ':' || c == '_' || c == '.'; })) {
    return "YAML 1.1 reads it as a base-60 number";
  }
  // Timestamps: YAML 1.1 reads 2025-01-17 as a date, not a string.
  if (text.size() >= 8 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) &&
      IsDigit(text[3]) && text[4] == '-' && IsDigit(text[5])) {
    return "YAML 1.1 reads it as a timestamp";
  }
  // Floats: "1.10" would silently become 1.1 in YAML tools; ".inf", "1e3".
  if (body == ".inf" || body == ".Inf" || body == ".INF" || text == ".nan" || text == ".NaN" ||
      text == ".NAN") {
    return "YAML reads it as a float";
  }
  {
    size_t digits = 0;
    size_t dots = 0;
    size_t exps = 0;
    bool valid = true;
    for (size_t i = 0; i < body.size() && valid; ++i) {
      const char c = body[i];
      if (IsDigit(c) || c == '_') {
        ++digits;
      } else if (c == '.' && exps == 0) {
        ++dots;
      } else if ((c == 'e' || c == 'E') && exps == 0 && digits > 0) {
        ++exps;
        if (i + 1 < body.size() && (body[i + 1] == '+' || body[i + 1] == '-')) ++i;
        if (i + 1 >= body.size()) valid = false;
      } else {
        valid = false;
      }
    }
    if (valid && digits > 0 && (dots == 1 || (dots == 0 && exps == 1))) {
      return "YAML reads it as a float";
    }
  }
  return "";
}

bool ParseStrictYaml(std::string_view text, const YamlLimits& limits, Diagnostics& diags,
                     YamlNode* out) {
  if (text.size() > limits.max_bytes) {
    diags.Add({1, 1}, fmt::format("file is {} bytes, over the {} byte limit", text.size(),
                                  limits.max_bytes));
    return false;
  }
  if (!DepthPreScan(text, limits.max_depth, diags)) return false;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    diags.Add({e.mark.line + 1, e.mark.column + 1}, e.msg);
    return false;
  } catch (const std::exception& e) {
    diags.Add({1, 1}, fmt::format("cannot parse YAML: {}", e.what()));
    return false;
  }
  if (docs.empty()) {
    diags.Add({1, 1}, "empty document");
    return false;
  }
  if (docs.size() > 1) {
    diags.Add({docs[1].Mark().line + 1, docs[1].Mark().column + 1},
              "more than one YAML document in the file");
    return false;
  }
  try {
    Converter converter(limits, diags);
    return converter.Convert(docs[0], 0, out) && diags.empty();
  } catch (const YAML::Exception& e) {
    diags.Add({e.mark.line + 1, e.mark.column + 1}, e.msg);
    return false;
  }
}

bool ReadString(const YamlNode& node, Diagnostics& diags, std::string* out) {
  if (node.kind != YamlNode::Kind::kScalar) {
    diags.Add(node.pos, fmt::format("expected a string, got {}", KindName(node.kind)));
    return false;
  }
  if (node.plain) {
    if (std::string why = Yaml11Ambiguity(node.scalar); !why.empty()) {
      diags.Add(node.pos, fmt::format("ambiguous scalar \"{}\": {}; quote it if you mean a string",
                                      node.scalar, why));
      return false;
    }
  }
  *out = node.scalar;
  return true;
}

bool ReadBool(const YamlNode& node, Diagnostics& diags, bool* out) {
  if (node.kind == YamlNode::Kind::kScalar && node.plain) {
    if (node.scalar == "true" || node.scalar == "false") {
      *out = node.scalar == "true";
      return true;
    }
    if (Yaml11Ambiguity(node.scalar) == "YAML 1.1 reads it as a boolean") {
      diags.Add(node.pos, fmt::format("ambiguous boolean \"{}\": write true or false",
                                      node.scalar));
      return false;
    }
  }
  diags.Add(node.pos, fmt::format("expected a boolean (true or false), got {}{}",
                                  node.kind == YamlNode::Kind::kScalar
                                      ? (node.plain ? "\"" : "the quoted string \"")
                                      : KindName(node.kind),
                                  node.kind == YamlNode::Kind::kScalar ? node.scalar + "\"" : ""));
  return false;
}

bool ReadInt(const YamlNode& node, Diagnostics& diags, std::int64_t min, std::int64_t max,
             std::int64_t* out) {
  if (node.kind == YamlNode::Kind::kScalar && node.plain) {
    std::string_view text = node.scalar;
    std::string_view digits = text.substr(!text.empty() && text[0] == '-' ? 1 : 0);
    const bool canonical = !digits.empty() && digits.size() <= 18 &&
                           std::all_of(digits.begin(), digits.end(), IsDigit) &&
                           (digits.size() == 1 || digits[0] != '0');
    if (canonical) {
      const std::int64_t value = std::strtoll(node.scalar.c_str(), nullptr, 10);
      if (value < min || value > max) {
        diags.Add(node.pos, fmt::format("{} is out of range [{}, {}]", value, min, max));
        return false;
      }
      *out = value;
      return true;
    }
  }
  diags.Add(node.pos, fmt::format("expected a decimal integer, got {}",
                                  node.kind == YamlNode::Kind::kScalar
                                      ? fmt::format("\"{}\"", node.scalar)
                                      : std::string(KindName(node.kind))));
  return false;
}

bool ReadDouble(const YamlNode& node, Diagnostics& diags, double* out) {
  if (node.kind == YamlNode::Kind::kScalar && node.plain && !node.scalar.empty()) {
    char* end = nullptr;
    const double value = std::strtod(node.scalar.c_str(), &end);
    const bool leading_zero_int = node.scalar.size() > 1 && node.scalar[0] == '0' &&
                                  IsDigit(node.scalar[1]);
    if (end == node.scalar.c_str() + node.scalar.size() && std::isfinite(value) &&
        !leading_zero_int && node.scalar.find_first_of("xXnN") == std::string::npos) {
      *out = value;
      return true;
    }
  }
  diags.Add(node.pos, fmt::format("expected a number, got {}",
                                  node.kind == YamlNode::Kind::kScalar
                                      ? fmt::format("\"{}\"", node.scalar)
                                      : std::string(KindName(node.kind))));
  return false;
}

bool ReadDuration(const YamlNode& node, Diagnostics& diags, TimeMs* out) {
  std::string text;
  if (node.kind == YamlNode::Kind::kScalar) {
    text = node.scalar;  // "1h30m" style is never YAML-1.1-ambiguous except bare numbers
  } else if (!ReadString(node, diags, &text)) {
    return false;
  }
  Result<TimeMs> parsed = ParseDuration(text);
  if (!parsed.ok()) {
    diags.Add(node.pos, fmt::format("invalid duration \"{}\": {} (e.g. 30s, 5m, 1h30m)", text,
                                    parsed.status().message()));
    return false;
  }
  if (*parsed <= 0) {
    diags.Add(node.pos, fmt::format("duration \"{}\" must be positive", text));
    return false;
  }
  *out = *parsed;
  return true;
}

bool ReadStringList(const YamlNode& node, Diagnostics& diags, std::vector<std::string>* out) {
  if (node.kind != YamlNode::Kind::kSequence) {
    diags.Add(node.pos, fmt::format("expected a list of strings, got {}", KindName(node.kind)));
    return false;
  }
  bool ok = true;
  out->clear();
  for (const YamlNode& item : node.items) {
    std::string value;
    if (ReadString(item, diags, &value)) {
      out->push_back(std::move(value));
    } else {
      ok = false;
    }
  }
  return ok;
}

bool ReadStringMap(const YamlNode& node, Diagnostics& diags,
                   std::map<std::string, std::string, std::less<>>* out) {
  if (node.kind != YamlNode::Kind::kMap) {
    diags.Add(node.pos, fmt::format("expected a mapping of strings, got {}", KindName(node.kind)));
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < node.keys.size(); ++i) {
    std::string value;
    if (ReadString(node.items[i], diags, &value)) {
      (*out)[node.keys[i]] = std::move(value);
    } else {
      ok = false;
    }
  }
  return ok;
}

MapReader::MapReader(const YamlNode& node, Diagnostics& diags, std::string what)
    : node_(node), diags_(diags), what_(std::move(what)) {
  ok_ = node.kind == YamlNode::Kind::kMap;
  if (!ok_) {
    diags_.Add(node.pos, fmt::format("expected a mapping for {}, got {}", what_,
                                     KindName(node.kind)));
  }
  used_.assign(node.keys.size(), false);
}

const YamlNode* MapReader::Get(std::string_view key) {
  if (!ok_) return nullptr;
  for (size_t i = 0; i < node_.keys.size(); ++i) {
    if (node_.keys[i] == key) {
      used_[i] = true;
      return &node_.items[i];
    }
  }
  return nullptr;
}

const YamlNode* MapReader::Require(std::string_view key) {
  const YamlNode* value = Get(key);
  if (value == nullptr && ok_) {
    diags_.Add(node_.pos, fmt::format("missing required key \"{}\" in {}", key, what_));
  }
  return value;
}

YamlPos MapReader::KeyPos(std::string_view key) const {
  for (size_t i = 0; i < node_.keys.size(); ++i) {
    if (node_.keys[i] == key) return node_.key_pos[i];
  }
  return node_.pos;
}

void MapReader::Finish() {
  for (size_t i = 0; i < used_.size(); ++i) {
    if (!used_[i]) {
      diags_.Add(node_.key_pos[i], fmt::format("unknown key \"{}\" in {}", node_.keys[i], what_));
    }
  }
}

}  // namespace vakt::catalog
