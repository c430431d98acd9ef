#include "oncall/directory.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "common/time_format.h"

namespace vakt::oncall {
namespace {

constexpr const char* kValid = R"(
users:
  - id: ada
    name: Ada Lovelace
    contact: {email: ada@example.com, slack: U01ADA, webhook: "https://hooks.example/ada"}
    notification_rules:
      - {after: 0s, via: slack}
      - {after: 5m, via: webhook}
  - id: bo
    contact: {email: bo@example.com}
teams:
  - {id: ml, name: ML platform, members: [ada, bo]}
schedules:
  - id: primary
    time_zone: Europe/Oslo
    layers:
      - name: weekly
        users: [ada, bo]
        rotation_virtual_start: "2026-03-02T09:00"
        turn: weekly
      - name: business hours
        users: [bo]
        rotation_virtual_start: "2026-03-02T09:00"
        turn: daily
        time_zone: America/New_York
        restrictions:
          - {type: weekly, start_day: monday, start: "09:00", duration: 4d8h}
    overrides:
      - {user: ada, start: "2026-03-03T00:00:00Z", end: "2026-03-03T06:00:00Z"}
)";

Result<Directory> Parse(const std::string& text) {
  Result<YamlReader> root = YamlReader::LoadString(text, "test.yaml");
  if (!root.ok()) return root.status();
  return Directory::Parse(*root);
}

TEST(DirectoryTest, ParsesUsersTeamsAndSchedules) {
  Result<Directory> directory = Parse(kValid);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_NE(directory->FindUser("ada"), nullptr);
  EXPECT_EQ(directory->FindUser("ada")->contacts.size(), 3u);
  EXPECT_EQ(directory->FindUser("ada")->notification_rules.size(), 2u);
  EXPECT_EQ(directory->FindUser("bo")->name, "bo");
  EXPECT_EQ(directory->FindTeam("ml")->members, (std::vector<std::string>{"ada", "bo"}));
  const Schedule* schedule = directory->FindSchedule("primary");
  ASSERT_NE(schedule, nullptr);
  ASSERT_EQ(schedule->layers.size(), 2u);
  EXPECT_EQ(schedule->layers[1].restrictions[0].duration, std::chrono::hours{104});
  EXPECT_EQ(schedule->layers[1].time_zone_name, "America/New_York");
  EXPECT_EQ(WhoIsOnCall(*schedule, ParseRfc3339("2026-03-03T01:00:00Z").value()),
            std::vector<std::string>{"ada"});
}

// Each case replaces one line of the valid document and names what the error must mention.
struct BadCase {
  const char* from;
  const char* to;
  const char* want;
};

TEST(DirectoryTest, RejectsInvalidDocumentsNamingPathAndValue) {
  const BadCase cases[] = {
      {"    name: Ada Lovelace", "    nmae: Ada Lovelace", "users[0]: unknown key \"nmae\""},
      {"time_zone: Europe/Oslo", "time_zone: Europe/Olso", "unknown time zone \"Europe/Olso\""},
      {"turn: weekly", "turn: fortnightly", "schedules[0].layers[0].turn"},
      {"users: [ada, bo]\n", "users: [ada, zed]\n", "unknown user \"zed\""},
      {"members: [ada, bo]", "members: [ada, nobody]", "teams[0].members: unknown user \"nobody\""},
      {"start_day: monday", "start_day: funday", "funday"},
      {"duration: 4d8h", "duration: 8d", "duration must be whole seconds"},
      {"{after: 5m, via: webhook}", "{after: 5m, via: pager}", "unknown contact method \"pager\""},
      {"contact: {email: bo@example.com}", "contact: {email: bo.example.com}", "not an e-mail address"},
      {"  - id: bo\n", "  - id: ada\n", "duplicate user id \"ada\""},
      {"end: \"2026-03-03T06:00:00Z\"", "end: \"2026-03-02T06:00:00Z\"", "end must be after start"},
      {"rotation_virtual_start: \"2026-03-02T09:00\"\n        turn: weekly",
       "rotation_virtual_start: \"2026-02-30T09:00\"\n        turn: weekly", "no such date"},
  };
  for (const BadCase& bad : cases) {
    std::string text = kValid;
    const std::size_t at = text.find(bad.from);
    ASSERT_NE(at, std::string::npos) << bad.from;
    text.replace(at, std::string(bad.from).size(), bad.to);
    Result<Directory> directory = Parse(text);
    ASSERT_FALSE(directory.ok()) << "accepted: " << bad.to;
    EXPECT_NE(directory.status().message().find(bad.want), std::string::npos)
        << directory.status().message() << "\n  wanted: " << bad.want;
    EXPECT_NE(directory.status().message().find("test.yaml:"), std::string::npos)
        << directory.status().message();
  }
}

TEST(DirectoryTest, LoadDirectoryFileRejectsUnknownTopLevelKeys) {
  // gtest's TempDir, not VAKT_BINARY_DIR: vakt_add_test currently passes only the first of its
  // ENVIRONMENT entries through gtest_discover_tests.
  const std::string path = testing::TempDir() + "oncall_directory_test.yaml";
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("users: []\nschedule: []\n", file);
  std::fclose(file);
  Result<Directory> directory = LoadDirectoryFile(path);
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("unknown key \"schedule\""), std::string::npos)
      << directory.status().message();
  EXPECT_EQ(LoadDirectoryFile(path + ".missing").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace vakt::oncall
