#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "oncall/schedule.h"

namespace vakt::oncall {

// CoverageOptions are the thresholds of a gap/overload report.
struct CoverageOptions {
  TimeMs max_hours_per_week = 60;  // more on-call hours than this in one report week is overload
  TimeMs min_rest_ms = 8 * 3'600'000;  // shifts closer than this are "back to back"
};

// Gap is an interval in which `schedule` has nobody on call.
struct Gap {
  std::string schedule;
  TimeMs start = 0;
  TimeMs end = 0;
};

// Overload is one finding about a person: too many hours in a week, or too little rest between
// two shifts (possibly from different schedules).
struct Overload {
  enum class Kind { kTooManyHours, kBackToBack };
  Kind kind = Kind::kTooManyHours;
  std::string user;
  TimeMs start = 0;  // kTooManyHours: the report week's start; kBackToBack: the first shift's end
  TimeMs end = 0;    // kTooManyHours: the week's end; kBackToBack: the next shift's start
  double hours = 0;  // kTooManyHours: hours on call that week; kBackToBack: hours of rest
};

// CoverageReport covers [from, to) over a set of schedules.
struct CoverageReport {
  TimeMs from = 0;
  TimeMs to = 0;
  std::vector<Gap> gaps;
  std::map<std::string, double> hours_by_user;  // summed over all schedules
  std::vector<Overload> overloads;
};

// BuildCoverageReport renders each schedule's final schedule over [from, to) and reports gaps,
// hours per user and overloads. Weeks are consecutive 7-day windows starting at `from` (the last
// one may be shorter). A user on call in two schedules at once counts those hours twice: that is
// double duty, not rest. Pure; REQUIRES: from <= to.
CoverageReport BuildCoverageReport(const std::vector<const Schedule*>& schedules, TimeMs from,
                                   TimeMs to, const CoverageOptions& options);

// FormatCoverageReport renders the report as text for the CLI.
std::string FormatCoverageReport(const CoverageReport& report);

}  // namespace vakt::oncall
