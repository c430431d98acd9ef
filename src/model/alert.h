#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "model/label_set.h"

namespace vakt {

// AlertSource says which contract an alert came in through.
enum class AlertSource { kAlertmanagerApi, kAlertmanagerWebhook, kPagerDuty, kGeneric };
const char* AlertSourceName(AlertSource source);
// AlertSourceFromName inverts AlertSourceName; unknown names read as kAlertmanagerApi.
AlertSource AlertSourceFromName(std::string_view name);

// Alert is one normalised alert, whatever format it arrived in. Pure data.
struct Alert {
  std::uint64_t fingerprint = 0;
  LabelSet labels;
  LabelSet annotations;
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;      // when the alert stops being active (resolved when <= now)
  TimeMs updated_at = 0;   // receive time of the latest update
  std::string generator_url;
  AlertSource source = AlertSource::kAlertmanagerApi;
  // PagerDuty events keep their routing-key-scoped dedup key so acknowledge/resolve can find them.
  std::string dedup_key;

  bool ActiveAt(TimeMs now) const { return ends_at == 0 || ends_at > now; }
};

}  // namespace vakt
