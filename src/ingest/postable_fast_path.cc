#include "ingest/postable_fast_path.h"

#include <string>

#include "common/plain_json_cursor.h"
#include "common/time_format.h"
#include "ingest/label_validation.h"

namespace vakt::ingest {
namespace {

// ReadPairs reads {"name":"value",...} into `out`, refusing what ReadLabelObject would report or
// drop, and duplicate names (the strict parser refuses those for the whole body).
bool ReadPairs(PlainJsonCursor& cursor, size_t max_pairs, size_t max_name_bytes,
               size_t max_value_bytes, LabelSet& out) {
  if (!cursor.Consume('{')) return false;
  if (cursor.Consume('}')) return true;
  do {
    std::string_view name;
    std::string_view value;
    if (!cursor.String(name) || !cursor.Consume(':') || !cursor.String(value)) return false;
    if (out.size() >= max_pairs || name.size() > max_name_bytes || value.empty() ||
        value.size() > max_value_bytes) {
      return false;
    }
    std::string owned(name);
    if (!IsValidLabelName(owned)) return false;
    if (!out.emplace(std::move(owned), std::string(value)).second) return false;
  } while (cursor.Consume(','));
  return cursor.Consume('}');
}

// ReadTime mirrors the general path's ReadTime for valid values: "" and Go's zero time are unset.
bool ReadTime(std::string_view text, TimeMs& out) {
  if (text.empty() || text.rfind("0001-01-01T00:00:00", 0) == 0) {
    out = 0;
    return true;
  }
  auto parsed = ParseRfc3339(text);
  if (!parsed.ok()) return false;
  out = *parsed;
  return true;
}

bool ReadAlert(PlainJsonCursor& cursor, TimeMs now, const IngestLimits& limits, Alert& alert) {
  if (!cursor.Consume('{')) return false;
  constexpr unsigned kLabels = 1, kAnnotations = 2, kStarts = 4, kEnds = 8, kGenerator = 16;
  unsigned seen = 0;
  TimeMs starts = 0;
  TimeMs ends = 0;
  if (!cursor.Consume('}')) {
    do {
      std::string_view key;
      if (!cursor.String(key) || !cursor.Consume(':')) return false;
      unsigned bit = key == "labels"         ? kLabels
                     : key == "annotations"  ? kAnnotations
                     : key == "startsAt"     ? kStarts
                     : key == "endsAt"       ? kEnds
                     : key == "generatorURL" ? kGenerator
                                             : 0u;
      if (bit == 0 || (seen & bit) != 0) return false;
      seen |= bit;
      std::string_view text;
      switch (bit) {
        case kLabels:
          if (!ReadPairs(cursor, limits.max_labels_per_alert, limits.max_label_name_bytes,
                         limits.max_label_value_bytes, alert.labels)) {
            return false;
          }
          break;
        case kAnnotations:
          if (!ReadPairs(cursor, limits.max_annotations_per_alert, limits.max_label_name_bytes,
                         limits.max_annotation_value_bytes, alert.annotations)) {
            return false;
          }
          break;
        case kGenerator:
          if (!cursor.String(text)) return false;
          alert.generator_url.assign(text);
          break;
        default:
          if (!cursor.String(text) || !ReadTime(text, bit == kStarts ? starts : ends)) return false;
          break;
      }
    } while (cursor.Consume(','));
    if (!cursor.Consume('}')) return false;
  }
  if (alert.labels.empty()) return false;
  if (starts == 0) starts = ends != 0 ? ends : now;
  if (ends == 0) ends = now + limits.resolve_timeout_ms;
  if (ends < starts) return false;
  alert.starts_at = starts;
  alert.ends_at = ends;
  alert.updated_at = now;
  alert.source = AlertSource::kAlertmanagerApi;
  alert.fingerprint = Fingerprint(alert.labels);
  return true;
}

}  // namespace

std::optional<std::vector<Alert>> TryParsePostableAlertsFast(std::string_view body, TimeMs now,
                                                             const IngestLimits& limits) {
  if (limits.max_json_depth < 3) return std::nullopt;  // array > alert > labels
  PlainJsonCursor cursor(body);
  if (!cursor.Consume('[')) return std::nullopt;
  std::vector<Alert> alerts;
  if (cursor.Consume(']')) return std::nullopt;  // nothing to gain; the general path answers
  do {
    if (alerts.size() >= limits.max_alerts_per_request) return std::nullopt;
    Alert& alert = alerts.emplace_back();
    if (!ReadAlert(cursor, now, limits, alert)) return std::nullopt;
  } while (cursor.Consume(','));
  if (!cursor.Consume(']') || !cursor.AtEnd()) return std::nullopt;
  return alerts;
}

}  // namespace vakt::ingest
