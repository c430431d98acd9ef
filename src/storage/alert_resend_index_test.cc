#include "storage/alert_resend_index.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vakt::storage {
namespace {

Alert MakeAlert(TimeMs starts, TimeMs ends, TimeMs updated) {
  Alert alert;
  alert.labels = {{"alertname", "FeatureDrift"}, {"instance", "a"}};
  alert.annotations = {{"summary", "drift on a"}};
  alert.fingerprint = Fingerprint(alert.labels);
  alert.starts_at = starts;
  alert.ends_at = ends;
  alert.updated_at = updated;
  return alert;
}

AlertRowState Stored(const Alert& alert, std::int64_t revision, std::int64_t occurrence_rev) {
  AlertRowState state;
  state.starts_at = alert.starts_at;
  state.ends_at = alert.ends_at;
  state.updated_at = alert.updated_at;
  state.revision = revision;
  state.occurrence_rev = occurrence_rev;
  state.content_hash = AlertContentHash(alert);
  return state;
}

TEST(AlertResendIndexTest, OverlappingResendExtendsEndKeepsEarliestStartAndOccurrence) {
  AlertRowState stored = Stored(MakeAlert(1000, 5000, 1000), 3, 2);
  Alert resend = MakeAlert(2000, 9000, 2000);
  auto merged = MergeResend(stored, resend, AlertContentHash(resend));
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->starts_at, 1000);
  EXPECT_EQ(merged->ends_at, 9000);
  EXPECT_EQ(merged->updated_at, 2000);
  EXPECT_EQ(merged->revision, 4);
  EXPECT_EQ(merged->occurrence_rev, 2);
}

TEST(AlertResendIndexTest, OlderUpdateKeepsStoredEndButCountsARevision) {
  AlertRowState stored = Stored(MakeAlert(1000, 5000, 3000), 1, 1);
  Alert late = MakeAlert(1000, 9000, 2000);
  auto merged = MergeResend(stored, late, AlertContentHash(late));
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->ends_at, 5000);
  EXPECT_EQ(merged->updated_at, 3000);
  EXPECT_EQ(merged->revision, 2);
}

TEST(AlertResendIndexTest, ResendAfterResolutionStartsNewOccurrence) {
  AlertRowState stored = Stored(MakeAlert(1000, 2000, 1000), 4, 1);
  Alert again = MakeAlert(3000, 8000, 3000);
  auto merged = MergeResend(stored, again, AlertContentHash(again));
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->starts_at, 3000);
  EXPECT_EQ(merged->ends_at, 8000);
  EXPECT_EQ(merged->revision, 5);
  EXPECT_EQ(merged->occurrence_rev, 5);  // revision == occurrence_rev: reported as created
}

TEST(AlertResendIndexTest, ChangedContentTakesTheFullUpsert) {
  Alert original = MakeAlert(1000, 5000, 1000);
  AlertRowState stored = Stored(original, 1, 1);
  Alert annotation = original;
  annotation.annotations["summary"] = "drift on a (worse)";
  Alert url = original;
  url.generator_url = "http://prometheus/graph";
  Alert source = original;
  source.source = AlertSource::kAlertmanagerWebhook;
  Alert dedup = original;
  dedup.dedup_key = "rk/key";
  for (const Alert& changed : {annotation, url, source, dedup}) {
    EXPECT_NE(AlertContentHash(changed), stored.content_hash);
    EXPECT_FALSE(MergeResend(stored, changed, AlertContentHash(changed)).has_value());
  }
}

TEST(AlertResendIndexTest, ContentHashSeparatesFieldsAndIgnoresTimes) {
  Alert one = MakeAlert(1000, 5000, 1000);
  Alert two = one;
  two.annotations = {{"summarydrift on a", ""}};
  EXPECT_NE(AlertContentHash(one), AlertContentHash(two));
  Alert three = one;
  three.annotations = {{"summar", "ydrift on a"}};
  EXPECT_NE(AlertContentHash(one), AlertContentHash(three));
  Alert later = MakeAlert(7000, 9000, 8000);
  EXPECT_EQ(AlertContentHash(one), AlertContentHash(later));
}

TEST(AlertResendIndexTest, ContentHashChangesWithEveryByteOfEveryField) {
  Alert base = MakeAlert(1000, 5000, 1000);
  base.annotations["runbook_url"] = "http://runbooks.invalid/FeatureDrift";
  base.generator_url = "http://127.0.0.1:9090/graph?g0.expr=up";
  const std::uint64_t hash = AlertContentHash(base);
  std::set<std::uint64_t> seen = {hash};
  auto expect_new = [&](const Alert& changed, const std::string& what) {
    EXPECT_TRUE(seen.insert(AlertContentHash(changed)).second) << what;
  };
  for (size_t at = 0; at < base.generator_url.size(); ++at) {
    for (unsigned char bit : {1, 0x20, 0x80}) {
      Alert changed = base;
      changed.generator_url[at] = static_cast<char>(changed.generator_url[at] ^ bit);
      expect_new(changed, "generator_url byte " + std::to_string(at));
    }
  }
  for (const auto& [name, value] : base.annotations) {
    for (size_t at = 0; at < value.size(); ++at) {
      Alert changed = base;
      changed.annotations[name][at] = static_cast<char>(value[at] ^ 1);
      expect_new(changed, name + " byte " + std::to_string(at));
    }
    Alert longer = base;
    longer.annotations[name] += '\0';
    expect_new(longer, name + " with a trailing NUL");
  }
}

TEST(AlertResendIndexTest, ContentHashHasNoCollisionsAcrossManyDistinctAlerts) {
  std::set<std::uint64_t> seen;
  for (int instance = 0; instance < 200'000; ++instance) {
    Alert alert = MakeAlert(1000, 5000, 1000);
    alert.labels["instance"] = "node-" + std::to_string(instance);
    ASSERT_TRUE(seen.insert(AlertContentHash(alert)).second) << instance;
  }
}

TEST(AlertResendIndexTest, BoundedIndexStillUpdatesKnownFingerprints) {
  AlertResendIndex index(2);
  AlertRowState state;
  state.revision = 1;
  index.Put(1, state);
  index.Put(2, state);
  index.Put(3, state);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find(3), nullptr);
  state.revision = 7;
  index.Put(2, state);
  ASSERT_NE(index.Find(2), nullptr);
  EXPECT_EQ(index.Find(2)->revision, 7);
  index.Erase(2);
  EXPECT_EQ(index.Find(2), nullptr);
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace vakt::storage
