#include "model/alert.h"

namespace vakt {

const char* AlertSourceName(AlertSource source) {
  switch (source) {
    case AlertSource::kAlertmanagerApi: return "alertmanager-api";
    case AlertSource::kAlertmanagerWebhook: return "alertmanager-webhook";
    case AlertSource::kPagerDuty: return "pagerduty";
    case AlertSource::kGeneric: return "generic";
  }
  return "unknown";
}

AlertSource AlertSourceFromName(std::string_view name) {
  for (AlertSource candidate : {AlertSource::kAlertmanagerApi, AlertSource::kAlertmanagerWebhook,
                                AlertSource::kPagerDuty, AlertSource::kGeneric}) {
    if (name == AlertSourceName(candidate)) return candidate;
  }
  return AlertSource::kAlertmanagerApi;
}

}  // namespace vakt
