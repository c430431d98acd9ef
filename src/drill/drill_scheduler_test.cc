#include "drill/drill_scheduler.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "catalog/catalog.h"
#include "common/metrics.h"
#include "dispatch/runbook_matcher.h"
#include "runbook/loader.h"
#include "storage/sql_drill_store.h"
#include "storage/sql_incident_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::drill {
namespace {

std::filesystem::path SourceDir() { return std::getenv("VAKT_SOURCE_DIR"); }

// Monday 2026-03-23 12:00Z: the weekly Sunday 10:00 Oslo drill below is due on 29 March, the
// day Oslo springs forward, at 08:00Z.
constexpr TimeMs kMonday = 1'774'267'200'000;
constexpr TimeMs kSundayDue = 1'774'771'200'000;
constexpr TimeMs kFollowingSundayDue = 1'775'376'000'000;
constexpr TimeMs kLease = 60'000;

// One vakt instance's view of the drill machinery on a shared database: its own connection,
// incident service, drill service and scheduler, as `vakt serve` builds them.
struct Instance {
  Instance(const std::string& url, const std::string& name, const Clock& clock) {
    auto db = storage::OpenDatabase(url);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    database = std::move(*db);
    incident_store = std::make_unique<storage::SqlIncidentStore>(*database);
    incidents =
        std::make_unique<incident::IncidentService>(*database, *incident_store, clock, metrics);
    auto set = runbook::LoadRunbookSet({SourceDir() / "examples/runbooks"});
    EXPECT_TRUE(set.ok()) << set.status().ToString();
    incident::Routing routing;
    routing.matcher = std::make_shared<dispatch::RunbookMatcher>(
        dispatch::RunbookMatcher::Build(std::make_shared<runbook::RunbookSet>(std::move(*set))));
    incidents->SetRouting(routing);
    drill_store = std::make_unique<storage::SqlDrillStore>(*database);
    drills = std::make_unique<DrillService>(*incidents, *drill_store, clock,
                                            std::map<std::string, DrillTarget>{});
    schedule_store = std::make_unique<DrillScheduleStore>(*database);
    DrillSchedulerOptions options;
    options.instance_id = name;
    options.lease_ms = kLease;
    scheduler = std::make_unique<DrillScheduler>(*drills, *schedule_store, clock, options);
  }

  MetricsRegistry metrics;
  std::unique_ptr<storage::Database> database;
  std::unique_ptr<storage::SqlIncidentStore> incident_store;
  std::unique_ptr<incident::IncidentService> incidents;
  std::unique_ptr<storage::SqlDrillStore> drill_store;
  std::unique_ptr<DrillService> drills;
  std::unique_ptr<DrillScheduleStore> schedule_store;
  std::unique_ptr<DrillScheduler> scheduler;
};

class DrillSchedulerTest : public storage::ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    clock_.Set(kMonday);
    a_ = std::make_unique<Instance>(fixture_->url(), "instance-a", clock_);
    b_ = std::make_unique<Instance>(fixture_->url(), "instance-b", clock_);
  }

  std::int64_t CreateSundayDrill() {
    auto created = a_->scheduler->Create({{"runbook", "fraud-feature-drift"},
                                          {"scenario", "infra"},
                                          {"every", "weekly"},
                                          {"weekday", "sunday"},
                                          {"at", "10:00"},
                                          {"time_zone", "Europe/Oslo"}},
                                         "user:alice");
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_EQ((*created)["next_run_at"], kSundayDue);
    return (*created)["id"].get<std::int64_t>();
  }

  std::int64_t Count(const std::string& sql) {
    std::int64_t count = -1;
    Status status = db_->RunRead([&](storage::SqlConnection& conn) -> Status {
      VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, {}));
      count = rows.at(0).Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return count;
  }

  // Run is one scheduler pass of `instance`; a failed pass fails the test (and counts as none).
  static int Run(Instance& instance) {
    auto opened = instance.scheduler->RunOnce();
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? *opened : 0;
  }

  std::int64_t DrillIncidents() { return Count("SELECT COUNT(*) FROM incidents WHERE drill = 1"); }

  FakeClock clock_;
  std::unique_ptr<Instance> a_;
  std::unique_ptr<Instance> b_;
};

TEST_P(DrillSchedulerTest, NothingStartsBeforeTheDueTime) {
  CreateSundayDrill();
  clock_.Set(kSundayDue - 1);
  EXPECT_EQ(Run(*a_), 0);
  EXPECT_EQ(Run(*b_), 0);
  EXPECT_EQ(DrillIncidents(), 0);
}

TEST_P(DrillSchedulerTest, TwoInstancesRacingOpenTheDueDrillExactlyOnce) {
  std::int64_t id = CreateSundayDrill();
  clock_.Set(kSundayDue + 5'000);
  int opened_a = 0, opened_b = 0;
  for (int round = 0; round < 3; ++round) {
    std::thread racer([&] { opened_b += Run(*b_); });
    opened_a += Run(*a_);
    racer.join();
  }
  EXPECT_EQ(opened_a + opened_b, 1);
  EXPECT_EQ(DrillIncidents(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM drills WHERE schedule_id > 0"), 1);

  // The schedule moved on to the next Sunday 10:00 Oslo, and links the drill it opened.
  auto schedule = a_->schedule_store->Get(id);
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->next_run_at, kFollowingSundayDue);
  EXPECT_GT(schedule->last_incident_id, 0);
  auto incident = a_->incident_store->GetIncident(schedule->last_incident_id);
  ASSERT_TRUE(incident.ok());
  EXPECT_TRUE(incident->drill);
  EXPECT_EQ(incident->runbook_id, "fraud-feature-drift");
  EXPECT_EQ(incident->title.rfind("[DRILL] ", 0), 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_leaves WHERE action = 'drill.schedule_run'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_leaves WHERE action = 'drill.schedule_create' AND "
                  "subject = 'runbook/fraud-feature-drift'"),
            1);

  // A week later (clocks unchanged in April) the next one opens, once.
  clock_.Set(kFollowingSundayDue);
  EXPECT_EQ(Run(*b_) + Run(*a_), 1);
  EXPECT_EQ(DrillIncidents(), 2);
}

TEST_P(DrillSchedulerTest, ClaimantThatDiedAfterOpeningTheDrillIsFinishedNotRepeated) {
  std::int64_t id = CreateSundayDrill();
  clock_.Set(kSundayDue);
  // Instance A claims the run and opens the drill, then dies before recording it.
  auto claimed = a_->schedule_store->ClaimDue("instance-a", clock_.NowMs(), kLease, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(a_->drills
                  ->Start("fraud-feature-drift", "infra", "system:drill-scheduler", id,
                          DrillScheduler::GroupKey(id, kSundayDue))
                  .ok());
  a_.reset();
  // While A's lease lasts, B leaves the run alone.
  clock_.Set(kSundayDue + kLease - 1);
  EXPECT_EQ(Run(*b_), 0);
  // After it, B takes the run over, finds A's drill by its key and records it: still one drill.
  clock_.Set(kSundayDue + kLease);
  EXPECT_EQ(Run(*b_), 1);
  EXPECT_EQ(DrillIncidents(), 1);
  auto schedule = b_->schedule_store->Get(id);
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->next_run_at, kFollowingSundayDue);
  EXPECT_EQ(Run(*b_), 0);
}

TEST_P(DrillSchedulerTest, ClaimantThatDiedBeforeOpeningTheDrillIsReplacedAfterItsLease) {
  CreateSundayDrill();
  clock_.Set(kSundayDue);
  ASSERT_EQ(a_->schedule_store->ClaimDue("instance-a", clock_.NowMs(), kLease, 10)->size(), 1u);
  a_.reset();
  EXPECT_EQ(Run(*b_), 0);
  clock_.Set(kSundayDue + kLease);
  EXPECT_EQ(Run(*b_), 1);
  EXPECT_EQ(DrillIncidents(), 1);
}

TEST_P(DrillSchedulerTest, NextRunSurvivesARestartAndMissedWeeksRunOnce) {
  std::int64_t id = CreateSundayDrill();
  a_.reset();
  b_.reset();
  // A new process on the same database: the due time was stored, not held in memory.
  Instance restarted(fixture_->url(), "instance-c", clock_);
  clock_.Set(kSundayDue - 1);
  EXPECT_EQ(Run(restarted), 0);
  // Down for three weeks: one drill when it comes back, and the next run is in the future.
  clock_.Set(kSundayDue + 21LL * 24 * 3600 * 1000 + 1);
  EXPECT_EQ(Run(restarted), 1);
  EXPECT_EQ(Run(restarted), 0);
  EXPECT_EQ(DrillIncidents(), 1);
  EXPECT_GT(restarted.schedule_store->Get(id)->next_run_at, clock_.NowMs());
}

TEST_P(DrillSchedulerTest, DeletedScheduleStopsAndIsAudited) {
  std::int64_t id = CreateSundayDrill();
  EXPECT_TRUE(a_->scheduler->Delete(id, "user:bob").ok());
  EXPECT_EQ(a_->scheduler->Delete(id, "user:bob").code(), StatusCode::kNotFound);
  EXPECT_EQ((*a_->scheduler->List())["schedules"].size(), 0u);
  clock_.Set(kSundayDue);
  EXPECT_EQ(Run(*a_), 0);
  EXPECT_EQ(DrillIncidents(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_leaves WHERE action = 'drill.schedule_delete'"), 1);
}

TEST_P(DrillSchedulerTest, CreateRefusesBadInputNamingTheField) {
  auto unknown = a_->scheduler->Create(
      {{"runbook", "nope"}, {"every", "daily"}, {"at", "10:00"}, {"time_zone", "UTC"}},
      "user:alice");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  auto zone = a_->scheduler->Create({{"runbook", "fraud-feature-drift"},
                                     {"every", "daily"},
                                     {"at", "10:00"},
                                     {"time_zone", "Mars/Olympus"}},
                                    "user:alice");
  EXPECT_EQ(zone.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(zone.status().message().rfind("time_zone:", 0), 0u);
  auto scenario = a_->scheduler->Create({{"runbook", "fraud-feature-drift"},
                                         {"scenario", "fire"},
                                         {"every", "daily"},
                                         {"at", "10:00"},
                                         {"time_zone", "UTC"}},
                                        "user:alice");
  EXPECT_EQ(scenario.status().message().rfind("scenario:", 0), 0u);
  auto extra = a_->scheduler->Create({{"runbook", "fraud-feature-drift"}, {"cron", "* * * * *"}},
                                     "user:alice");
  EXPECT_EQ(extra.status().message().rfind("cron:", 0), 0u);
  EXPECT_EQ(DrillIncidents(), 0);
  EXPECT_EQ((*a_->scheduler->List())["schedules"].size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, DrillSchedulerTest,
                         ::testing::ValuesIn(storage::ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::drill
