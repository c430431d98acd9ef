#pragma once

#include <cstddef>

#include "common/clock.h"

namespace vakt::ingest {

// IngestLimits bound what one request may cost. Every limit is configurable (vakt.yaml `ingest:`)
// and each has a test proving the request past it is refused with a 4xx that names it.
struct IngestLimits {
  size_t max_body_bytes = 4 << 20;        // Alertmanager-style endpoints
  size_t max_pagerduty_body_bytes = 512 * 1024;  // PagerDuty's own documented cap
  size_t max_json_depth = 64;
  size_t max_alerts_per_request = 1000;
  size_t max_labels_per_alert = 64;
  size_t max_annotations_per_alert = 64;
  size_t max_label_name_bytes = 256;
  size_t max_label_value_bytes = 4096;
  size_t max_annotation_value_bytes = 64 * 1024;
  TimeMs resolve_timeout_ms = 5 * 60 * 1000;  // Alertmanager's default resolve_timeout
};

}  // namespace vakt::ingest
