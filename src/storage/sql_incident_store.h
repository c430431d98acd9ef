#pragma once

#include "storage/database.h"
#include "storage/incident_store.h"

namespace vakt::storage {

// SqlIncidentStore implements IncidentStore once, in the SQL both engines share, on the
// Database's connections. Thread-safe (the Database serialises connection use).
class SqlIncidentStore final : public IncidentStore {
 public:
  explicit SqlIncidentStore(Database& database) : database_(database) {}

  Result<Incident> CreateIncident(const Incident& draft,
                                  const std::vector<std::uint64_t>& fingerprints,
                                  const IncidentEvent& opened) override;
  Result<std::vector<std::uint64_t>> AttachAlerts(std::int64_t incident_id,
                                                  const std::vector<std::uint64_t>& fingerprints,
                                                  TimeMs now) override;
  Result<Incident> FindOpenByGroupKey(const std::string& group_key) override;
  Result<Incident> GetIncident(std::int64_t id) override;
  Result<std::vector<Incident>> ListIncidents(const IncidentQuery& query) override;
  Status UpdateIncident(const Incident& next, std::int64_t expected_version,
                        const IncidentEvent& event) override;
  Status AppendEvent(const IncidentEvent& event) override;
  Result<std::vector<IncidentEvent>> ListEvents(std::int64_t incident_id) override;
  Result<std::vector<Alert>> ListIncidentAlerts(std::int64_t incident_id) override;
  Result<std::vector<Alert>> ListUnattachedActiveAlerts(TimeMs now, size_t limit) override;
  Result<std::vector<std::int64_t>> ListOpenIncidentsWithoutActiveAlerts(TimeMs now) override;

 private:
  Database& database_;
};

}  // namespace vakt::storage
