#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "oncall/zoned_time.h"

namespace vakt::oncall {

// Restriction limits when a layer may put anyone on call, in the schedule's local time
// (PagerDuty daily_restriction / weekly_restriction). Windows are wall-clock: a 09:00+8h daily
// window is 09:00-17:00 local every day, whatever the UTC offset.
struct Restriction {
  enum class Kind { kDaily, kWeekly };
  Kind kind = Kind::kDaily;
  unsigned start_weekday = 0;  // kWeekly only: 0 = Monday .. 6 = Sunday
  std::chrono::seconds start_time_of_day{0};
  std::chrono::seconds duration{0};  // kDaily: (0, 24h]; kWeekly: (0, 7d]
};

// Layer is one rotation: `users` take turns of `turn_length` wall-clock time starting at
// `rotation_virtual_start` (local time; its time of day is the handoff time). Turn k starts at
// local time rotation_virtual_start + k * turn_length, mapped to UTC by LocalToUtcMs, so a daily
// or weekly handoff keeps its wall-clock time across DST. A turn that is not a whole number of
// days (e.g. 12h) is also counted in wall-clock time: 09:00/21:00 handoffs stay at 09:00/21:00.
// `users_per_turn` > 1 puts that many consecutive users on call together (turn k takes users
// k*n .. k*n+n-1, modulo the list).
struct Layer {
  std::string name;
  std::vector<std::string> users;
  LocalSeconds rotation_virtual_start{};
  std::chrono::seconds turn_length{std::chrono::hours{24 * 7}};
  int users_per_turn = 1;
  std::optional<TimeMs> start;  // layer in effect from (UTC); unset = always
  std::optional<TimeMs> end;    // layer in effect until (exclusive); unset = forever
  std::vector<Restriction> restrictions;  // empty = unrestricted
  // Optional zone for this layer's rotation and restrictions; null = the schedule's zone. A
  // follow-the-sun schedule keeps its New York layer on New York wall-clock time even in the
  // weeks when Europe and America change clocks on different dates (vakt extension; PagerDuty
  // has one zone per schedule).
  const date::time_zone* time_zone = nullptr;
  std::string time_zone_name;
};

// Override puts `user` on call for [start, end), replacing whatever the layers say.
struct Override {
  std::string user;
  TimeMs start = 0;
  TimeMs end = 0;
};

// Schedule is a PagerDuty-style on-call schedule. Precedence (PagerDuty's final schedule):
//  1. Overrides win over every layer. Overlapping overrides are all on call together.
//  2. Among layers, a LATER layer in `layers` wins over earlier ones wherever it has someone on
//     call (PagerDuty: a layer lower in the editor / with a higher rendering index takes
//     precedence; the "a lower layer wins"). Where it has nobody (outside its
//     restrictions or its start/end), the next earlier layer shows through.
//  3. Where no layer has anyone, the schedule has a gap (WhoIsOnCall returns no one).
// Immutable after loading; safe to share read-only between threads.
struct Schedule {
  std::string id;
  std::string name;
  std::string time_zone_name;
  const date::time_zone* time_zone = nullptr;  // from FindZone; never null in a loaded schedule
  std::vector<Layer> layers;
  std::vector<Override> overrides;
};

// Shift is one continuous on-call interval of one user, [start, end) in Unix ms.
struct Shift {
  std::string user;
  TimeMs start = 0;
  TimeMs end = 0;
  bool operator==(const Shift&) const = default;
};

// WhoIsOnCall returns the users on call at `at` (no duplicates, in precedence then rotation
// order); empty when the schedule has a gap.
std::vector<std::string> WhoIsOnCall(const Schedule& schedule, TimeMs at);

// FinalSchedule renders the schedule over [from, to): per user, maximal merged shifts, clipped
// to [from, to), sorted by start then user. REQUIRES: from <= to.
std::vector<Shift> FinalSchedule(const Schedule& schedule, TimeMs from, TimeMs to);

// LayerHandoffForTest returns the UTC start of turn `turn` of `layer` in `zone`.
TimeMs LayerHandoffForTest(const Layer& layer, const date::time_zone* zone, long long turn);

}  // namespace vakt::oncall
