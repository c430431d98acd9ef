#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/alert.h"
#include "model/incident.h"

namespace vakt::storage {

// IncidentQuery filters ListIncidents; newest first, paged by id.
struct IncidentQuery {
  std::optional<IncidentState> state;
  bool open_only = false;
  std::string pipeline;
  std::string runbook_id;
  std::int64_t before_id = 0;  // 0 = from the newest
  size_t limit = 50;
};

// IncidentStore persists incidents, their alerts and their event history. Every change writes its
// event row in the same transaction (nothing happens that is not recorded). Engine-neutral: one
// implementation (SqlIncidentStore) serves SQLite and PostgreSQL. Thread-safe.
class IncidentStore {
 public:
  virtual ~IncidentStore() = default;

  // CreateIncident stores a new incident with its first alerts and the `opened` event. The
  // returned incident carries its id. AlreadyExists when an open incident already holds the same
  // group key (one open incident per group, enforced by the database across vakt instances).
  virtual Result<Incident> CreateIncident(const Incident& draft,
                                          const std::vector<std::uint64_t>& fingerprints,
                                          const IncidentEvent& opened) = 0;
  // AttachAlerts links alerts to an incident; already linked ones are skipped. Returns the newly
  // linked fingerprints (each recorded as an alert_added event).
  virtual Result<std::vector<std::uint64_t>> AttachAlerts(
      std::int64_t incident_id, const std::vector<std::uint64_t>& fingerprints, TimeMs now) = 0;
  // FindOpenByGroupKey returns the open incident for a group, or NotFound.
  virtual Result<Incident> FindOpenByGroupKey(const std::string& group_key) = 0;
  virtual Result<Incident> GetIncident(std::int64_t id) = 0;
  virtual Result<std::vector<Incident>> ListIncidents(const IncidentQuery& query) = 0;
  // UpdateIncident stores `next` if the stored version is still `expected_version` (optimistic
  // concurrency) and appends `event`. FailedPrecondition when someone else changed it first.
  virtual Status UpdateIncident(const Incident& next, std::int64_t expected_version,
                                const IncidentEvent& event) = 0;
  // AppendEvent records an event without changing the incident (notes, alert resolutions).
  virtual Status AppendEvent(const IncidentEvent& event) = 0;
  virtual Result<std::vector<IncidentEvent>> ListEvents(std::int64_t incident_id) = 0;
  virtual Result<std::vector<Alert>> ListIncidentAlerts(std::int64_t incident_id) = 0;
  // ListUnattachedActiveAlerts returns active alerts that belong to no open incident: the work
  // the dispatcher has not done yet (after a crash, or alerts that arrived while it was busy).
  virtual Result<std::vector<Alert>> ListUnattachedActiveAlerts(TimeMs now, size_t limit) = 0;
  // ListOpenIncidentsWithoutActiveAlerts returns ids of open incidents all of whose alerts have
  // resolved (or expired: endsAt passed).
  virtual Result<std::vector<std::int64_t>> ListOpenIncidentsWithoutActiveAlerts(TimeMs now) = 0;
};

}  // namespace vakt::storage
