#include "evidence/retention.h"

#include "common/time_format.h"

namespace vakt::evidence {

RetentionClasses DefaultRetentionClasses() {
  return {{"transient", 30 * kDay}, {"standard", 400 * kDay}, {"regulatory", 2557 * kDay}};
}

Status ValidateRetentionClasses(const RetentionClasses& classes) {
  if (classes.empty()) return Status::InvalidArgument("retention classes: none defined");
  for (const auto& [name, period] : classes) {
    bool ok = !name.empty() && name.size() <= 64;
    for (char c : name) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
    if (!ok) return Status::InvalidArgument("retention class '" + name + "': bad name");
    if (period <= 0) {
      return Status::InvalidArgument("retention class '" + name + "': period must be positive");
    }
  }
  if (!classes.contains(kDefaultRetentionClass)) {
    return Status::InvalidArgument("retention classes: 'standard' (the default) is missing");
  }
  return Status::Ok();
}

PurgeDecision DecidePurge(const std::vector<CaptureRetention>& captures,
                          const std::set<std::string>& held_incidents,
                          const RetentionClasses& classes, TimeMs now) {
  if (captures.empty()) return {false, "no capture records"};
  for (const auto& capture : captures) {
    if (held_incidents.contains(capture.incident_id)) {
      return {false, "legal hold on " + capture.incident_id};
    }
  }
  for (const auto& capture : captures) {
    auto found = classes.find(capture.retention_class);
    if (found == classes.end()) {
      return {false, "unknown retention class '" + capture.retention_class + "' on " +
                         capture.incident_id};
    }
    const TimeMs keep_until = capture.captured_at + found->second;
    if (now < keep_until) {
      return {false, capture.retention_class + " retention on " + capture.incident_id + " until " +
                         FormatRfc3339(keep_until)};
    }
  }
  return {true, "every capture is past its retention and none is held"};
}

}  // namespace vakt::evidence
