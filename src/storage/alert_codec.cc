#include "storage/alert_codec.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "common/plain_json_cursor.h"

namespace vakt::storage {

namespace {

// AppendAsciiEscaped appends `text` as a JSON string exactly as nlohmann::json::dump() writes it
// (the short escapes for \b \t \n \f \r \" \\, \u00XX for other control characters). Returns
// false, leaving `out` in an unspecified state, when `text` is not pure ASCII: the caller then
// uses nlohmann's serializer, which also decides how invalid UTF-8 is handled.
bool AppendAsciiEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t idx = 0; idx < text.size(); ++idx) {
    auto byte = static_cast<unsigned char>(text[idx]);
    if (byte >= 0x80) return false;
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.data() + plain, idx - plain);
    plain = idx + 1;
    switch (byte) {
      case '\b': out.append("\\b"); break;
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\f': out.append("\\f"); break;
      case '\r': out.append("\\r"); break;
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xF]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
  return true;
}

std::string EncodeLabelsWithNlohmann(const LabelSet& labels) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : labels) object[name] = value;
  return object.dump();
}

}  // namespace

// EncodeLabels writes the canonical JSON object directly (the label set is already sorted by
// name, as nlohmann's object is); byte-identical to nlohmann's dump(), which it falls back to for
// non-ASCII text.
std::string EncodeLabels(const LabelSet& labels) {
  std::string out;
  size_t size = 2;
  for (const auto& [name, value] : labels) size += name.size() + value.size() + 6;
  out.reserve(size);
  out.push_back('{');
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out.push_back(',');
    if (!AppendAsciiEscaped(out, name)) return EncodeLabelsWithNlohmann(labels);
    out.push_back(':');
    if (!AppendAsciiEscaped(out, value)) return EncodeLabelsWithNlohmann(labels);
  }
  out.push_back('}');
  return out;
}

Result<Alert> DecodeAlert(AlertColumns columns) {
  Alert alert;
  alert.fingerprint = FingerprintFromSql(columns.fingerprint);
  VAKT_ASSIGN_OR_RETURN(alert.labels, DecodeLabels(columns.labels));
  VAKT_ASSIGN_OR_RETURN(alert.annotations, DecodeLabels(columns.annotations));
  alert.starts_at = columns.starts_at;
  alert.ends_at = columns.ends_at;
  alert.updated_at = columns.updated_at;
  alert.generator_url = std::move(columns.generator_url);
  alert.source = AlertSourceFromName(columns.source);
  alert.dedup_key = std::move(columns.dedup_key);
  return alert;
}

namespace {

// DecodeCanonicalLabels reads label objects of plain ASCII text, the form EncodeLabels writes for
// ordinary labels: {"name":"value",...} with names strictly ascending, so every pair is appended
// at the end of the map. nullopt for anything else (escapes, non-ASCII, unsorted or duplicate
// names), which the general JSON parser then reads. Every read path decodes the labels of every
// row it returns (the incident dispatcher thousands per pass), and nlohmann's DOM made that most
// of its time.
std::optional<LabelSet> DecodeCanonicalLabels(std::string_view json) {
  PlainJsonCursor cursor(json);
  LabelSet labels;
  if (!cursor.Consume('{')) return std::nullopt;
  if (!cursor.Consume('}')) {
    do {
      std::string_view name;
      std::string_view value;
      if (!cursor.String(name) || !cursor.Consume(':') || !cursor.String(value)) {
        return std::nullopt;
      }
      if (!labels.empty() && !(labels.rbegin()->first < name)) return std::nullopt;
      labels.emplace_hint(labels.end(), name, value);
    } while (cursor.Consume(','));
    if (!cursor.Consume('}')) return std::nullopt;
  }
  if (!cursor.AtEnd()) return std::nullopt;
  return labels;
}

}  // namespace

Result<LabelSet> DecodeLabels(const std::string& json) {
  if (auto plain = DecodeCanonicalLabels(json); plain) return std::move(*plain);
  try {
    LabelSet labels;
    auto object = nlohmann::json::parse(json);
    if (!object.is_object()) return Status::Corruption("stored label set is not a JSON object");
    for (const auto& [name, value] : object.items()) labels[name] = value.get<std::string>();
    return labels;
  } catch (const nlohmann::json::exception& error) {
    return Status::Corruption(std::string("stored label set is not valid JSON: ") + error.what());
  }
}

}  // namespace vakt::storage
