#include "oncall/ical_export.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/time_format.h"
#include "support/test_time.h"

namespace vakt::oncall {
namespace {

using test_support::At;

TEST(ICalExportTest, EscapesTextSpecials) {
  EXPECT_EQ(EscapeICalText("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
}

TEST(ICalExportTest, FoldsAtSeventyFiveOctetsWithoutSplittingUtf8) {
  std::string line = "SUMMARY:";
  for (int index = 0; index < 40; ++index) line += "\xC3\xB8";  // "ø", two octets each
  const std::string folded = FoldICalLine(line);
  std::size_t start = 0;
  int lines = 0;
  while (start < folded.size()) {
    const std::size_t end = folded.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    // A continuation line starts with one space and never with a UTF-8 continuation byte.
    if (lines > 0) {
      EXPECT_EQ(folded[start], ' ');
      EXPECT_NE(static_cast<unsigned char>(folded[start + 1]) & 0xC0, 0x80);
    }
    ++lines;
    start = end + 2;
  }
  EXPECT_EQ(lines, 2);
  std::string unfolded = folded;
  for (std::size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) unfolded.erase(at, 3);
  EXPECT_EQ(unfolded, line + "\r\n");
}

std::string RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr)
    output += buffer.data();
  const int status = pclose(pipe);
  if (status != 0) output += "exit status " + std::to_string(status);
  return output;
}

TEST(ICalExportTest, IndependentParserReadsEventsAndUtcTimes) {
  Schedule schedule;
  schedule.id = "ml-fraud";
  schedule.name = "ML fraud, primary; \"EU\"";
  schedule.time_zone_name = "Europe/Oslo";
  schedule.time_zone = FindZone("Europe/Oslo").value();
  Layer layer;
  layer.users = {"ada", "bo"};
  layer.rotation_virtual_start = ParseLocalDateTime("2026-03-27T09:00").value();
  layer.turn_length = std::chrono::hours{24};
  schedule.layers.push_back(layer);
  const std::vector<Shift> shifts =
      FinalSchedule(schedule, At("2026-03-27T08:00:00Z"), At("2026-03-31T07:00:00Z"));
  ASSERT_EQ(shifts.size(), 4u);
  const std::string ical = ExportICalendar(schedule, shifts, nullptr, At("2026-03-01T00:00:00Z"));
  EXPECT_NE(ical.find("DTSTAMP:20260301T000000Z\r\n"), std::string::npos);

  const std::string path = testing::TempDir() + "oncall_ical_test.ics";
  std::ofstream(path, std::ios::binary) << ical;
  const std::string script =
      std::string(std::getenv("VAKT_SOURCE_DIR")) + "/tests/testdata/oncall/parse_ical.py";
  // Debian's interpreter, where python3-icalendar is installed (a pyenv python3 on PATH lacks it).
  const char* python = std::ifstream("/usr/bin/python3").good() ? "/usr/bin/python3" : "python3";
  const std::string output = RunCommand(std::string(python) + " " + script + " " + path + " 2>&1");
  std::istringstream lines(output);
  std::vector<std::string> starts_ends;
  std::string line;
  std::string last;
  while (std::getline(lines, line)) {
    last = line;
    if (line.rfind("events=", 0) == 0) continue;
    starts_ends.push_back(line.substr(0, 41));
    // The summary round-trips through escaping: ',' and ';' come back unescaped.
    EXPECT_TRUE(line.find(" On call: ada (ML fraud, primary; \"EU\")") != std::string::npos ||
                line.find(" On call: bo (ML fraud, primary; \"EU\")") != std::string::npos)
        << line;
  }
  EXPECT_EQ(last, "events=4") << output;
  // Oslo 09:00 handoffs: CET (08:00Z) until 28 March, CEST (07:00Z) from 29 March.
  EXPECT_EQ(starts_ends, (std::vector<std::string>{"2026-03-27T08:00:00Z 2026-03-28T08:00:00Z",
                                                   "2026-03-28T08:00:00Z 2026-03-29T07:00:00Z",
                                                   "2026-03-29T07:00:00Z 2026-03-30T07:00:00Z",
                                                   "2026-03-30T07:00:00Z 2026-03-31T07:00:00Z"}))
      << output;
}

}  // namespace
}  // namespace vakt::oncall
