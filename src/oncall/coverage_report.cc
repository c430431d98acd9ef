#include "oncall/coverage_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/time_format.h"

namespace vakt::oncall {
namespace {

constexpr TimeMs kHourMs = 3'600'000;
constexpr TimeMs kWeekMs = 7 * 24 * kHourMs;

double Hours(TimeMs ms) { return static_cast<double>(ms) / static_cast<double>(kHourMs); }

}  // namespace

CoverageReport BuildCoverageReport(const std::vector<const Schedule*>& schedules, TimeMs from,
                                   TimeMs to, const CoverageOptions& options) {
  CoverageReport report;
  report.from = from;
  report.to = to;
  std::map<std::string, std::vector<Shift>> shifts_by_user;
  for (const Schedule* schedule : schedules) {
    const std::vector<Shift> shifts = FinalSchedule(*schedule, from, to);
    // Gaps: the complement of the union of all shifts.
    std::vector<std::pair<TimeMs, TimeMs>> covered;
    for (const Shift& shift : shifts) {
      covered.emplace_back(shift.start, shift.end);
      shifts_by_user[shift.user].push_back(shift);
    }
    std::sort(covered.begin(), covered.end());
    TimeMs cursor = from;
    for (const auto& [start, end] : covered) {
      if (start > cursor) report.gaps.push_back({schedule->id, cursor, start});
      cursor = std::max(cursor, end);
    }
    if (cursor < to) report.gaps.push_back({schedule->id, cursor, to});
  }
  for (auto& [user, shifts] : shifts_by_user) {
    std::sort(shifts.begin(), shifts.end(),
              [](const Shift& a, const Shift& b) { return a.start < b.start; });
    TimeMs total = 0;
    for (const Shift& shift : shifts) total += shift.end - shift.start;
    report.hours_by_user[user] = Hours(total);
    for (TimeMs week_start = from; week_start < to; week_start += kWeekMs) {
      const TimeMs week_end = std::min(to, week_start + kWeekMs);
      TimeMs in_week = 0;
      for (const Shift& shift : shifts) {
        const TimeMs start = std::max(shift.start, week_start);
        const TimeMs end = std::min(shift.end, week_end);
        if (end > start) in_week += end - start;
      }
      if (in_week > options.max_hours_per_week * kHourMs) {
        report.overloads.push_back(
            {Overload::Kind::kTooManyHours, user, week_start, week_end, Hours(in_week)});
      }
    }
    // Back to back: a shift that starts less than min_rest after the previous one ended. Shifts
    // of one schedule are already merged, so a rest of 0 means two schedules hand over to the
    // same person.
    TimeMs latest_end = shifts.front().end;
    for (std::size_t index = 1; index < shifts.size(); ++index) {
      const Shift& next = shifts[index];
      if (next.start >= latest_end && next.start - latest_end < options.min_rest_ms) {
        report.overloads.push_back({Overload::Kind::kBackToBack, user, latest_end, next.start,
                                    Hours(next.start - latest_end)});
      }
      latest_end = std::max(latest_end, next.end);
    }
  }
  return report;
}

std::string FormatCoverageReport(const CoverageReport& report) {
  std::string out = fmt::format("coverage {} .. {}\n", FormatRfc3339(report.from), FormatRfc3339(report.to));
  out += fmt::format("gaps: {}\n", report.gaps.size());
  for (const Gap& gap : report.gaps) {
    out += fmt::format("  {}  {} .. {}  ({:.1f} h)\n", gap.schedule, FormatRfc3339(gap.start),
                       FormatRfc3339(gap.end), Hours(gap.end - gap.start));
  }
  out += "hours on call:\n";
  for (const auto& [user, hours] : report.hours_by_user) out += fmt::format("  {:<16} {:8.1f} h\n", user, hours);
  out += fmt::format("overload findings: {}\n", report.overloads.size());
  for (const Overload& finding : report.overloads) {
    if (finding.kind == Overload::Kind::kTooManyHours) {
      out += fmt::format("  {} on call {:.1f} h in week {} .. {}\n", finding.user, finding.hours,
                         FormatRfc3339(finding.start), FormatRfc3339(finding.end));
    } else {
      out += fmt::format("  {} back to back: {:.1f} h rest between {} and {}\n", finding.user,
                         finding.hours, FormatRfc3339(finding.start), FormatRfc3339(finding.end));
    }
  }
  return out;
}

}  // namespace vakt::oncall
