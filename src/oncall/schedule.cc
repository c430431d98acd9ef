#include "oncall/schedule.h"

#include <algorithm>
#include <map>

namespace vakt::oncall {
namespace {

long long FloorDiv(long long numerator, long long denominator) {
  long long quotient = numerator / denominator;
  if ((numerator % denominator != 0) && ((numerator < 0) != (denominator < 0))) --quotient;
  return quotient;
}

TimeMs TurnStart(const Layer& layer, const date::time_zone* zone, long long turn) {
  return LocalToUtcMs(zone, layer.rotation_virtual_start + layer.turn_length * turn);
}

// TurnAt returns k with TurnStart(k) <= at < TurnStart(k + 1). The local-time estimate is off
// by at most one turn around DST changes, so the correction loops run a bounded few times.
long long TurnAt(const Layer& layer, const date::time_zone* zone, TimeMs at) {
  const LocalSeconds local = UtcMsToLocal(zone, at);
  long long turn = FloorDiv((local - layer.rotation_virtual_start).count(), layer.turn_length.count());
  for (int step = 0; step < 4 && TurnStart(layer, zone, turn) > at; ++step) --turn;
  for (int step = 0; step < 4 && TurnStart(layer, zone, turn + 1) <= at; ++step) ++turn;
  return turn;
}

std::vector<std::string> UsersOfTurn(const Layer& layer, long long turn) {
  std::vector<std::string> users;
  const long long count = static_cast<long long>(layer.users.size());
  if (count == 0) return users;
  const long long per_turn = std::min<long long>(std::max(layer.users_per_turn, 1), count);
  for (long long slot = 0; slot < per_turn; ++slot) {
    long long index = (turn * per_turn + slot) % count;
    if (index < 0) index += count;
    users.push_back(layer.users[static_cast<std::size_t>(index)]);
  }
  return users;
}

bool RestrictionAppliesOn(const Restriction& restriction, date::local_days day) {
  if (restriction.kind == Restriction::Kind::kDaily) return true;
  return date::weekday{day}.iso_encoding() - 1 == restriction.start_weekday;
}

// ForEachWindow calls fn(start_ms, end_ms) for every restriction window of `layer` that starts on
// a local day in [first_day, last_day].
template <typename Fn>
void ForEachWindow(const Layer& layer, const date::time_zone* zone, date::local_days first_day,
                   date::local_days last_day, Fn&& fn) {
  for (date::local_days day = first_day; day <= last_day; day += date::days{1}) {
    for (const Restriction& restriction : layer.restrictions) {
      if (!RestrictionAppliesOn(restriction, day)) continue;
      const LocalSeconds window_start = day + restriction.start_time_of_day;
      fn(LocalToUtcMs(zone, window_start), LocalToUtcMs(zone, window_start + restriction.duration));
    }
  }
}

bool InsideRestrictions(const Layer& layer, const date::time_zone* zone, TimeMs at) {
  if (layer.restrictions.empty()) return true;
  const date::local_days today = date::floor<date::days>(UtcMsToLocal(zone, at));
  bool inside = false;
  // A window can last up to 7 days, so one starting a week ago may still be open.
  ForEachWindow(layer, zone, today - date::days{7}, today, [&](TimeMs start, TimeMs end) {
    if (start <= at && at < end) inside = true;
  });
  return inside;
}

std::vector<std::string> LayerUsersAt(const Layer& layer, const date::time_zone* zone, TimeMs at) {
  if (layer.start && at < *layer.start) return {};
  if (layer.end && at >= *layer.end) return {};
  if (!InsideRestrictions(layer, zone, at)) return {};
  return UsersOfTurn(layer, TurnAt(layer, zone, at));
}

const date::time_zone* LayerZone(const Schedule& schedule, const Layer& layer) {
  return layer.time_zone != nullptr ? layer.time_zone : schedule.time_zone;
}

void AppendUnique(std::vector<std::string>& users, const std::string& user) {
  if (std::find(users.begin(), users.end(), user) == users.end()) users.push_back(user);
}

}  // namespace

TimeMs LayerHandoffForTest(const Layer& layer, const date::time_zone* zone, long long turn) {
  return TurnStart(layer, zone, turn);
}

std::vector<std::string> WhoIsOnCall(const Schedule& schedule, TimeMs at) {
  std::vector<std::string> users;
  for (const Override& override_entry : schedule.overrides) {
    if (override_entry.start <= at && at < override_entry.end) AppendUnique(users, override_entry.user);
  }
  if (!users.empty()) return users;
  for (auto layer = schedule.layers.rbegin(); layer != schedule.layers.rend(); ++layer) {
    for (const std::string& user : LayerUsersAt(*layer, LayerZone(schedule, *layer), at)) {
      AppendUnique(users, user);
    }
    if (!users.empty()) return users;
  }
  return users;
}

std::vector<Shift> FinalSchedule(const Schedule& schedule, TimeMs from, TimeMs to) {
  if (from >= to) return {};
  // The answer can only change at a boundary: a handoff, a restriction window edge, a layer's
  // start/end or an override's edge. Evaluate WhoIsOnCall once per elementary interval.
  std::vector<TimeMs> cuts = {from, to};
  auto add_cut = [&](TimeMs cut) {
    if (from < cut && cut < to) cuts.push_back(cut);
  };
  for (const Layer& layer : schedule.layers) {
    const date::time_zone* zone = LayerZone(schedule, layer);
    const date::local_days first_day = date::floor<date::days>(UtcMsToLocal(zone, from)) - date::days{8};
    const date::local_days last_day = date::floor<date::days>(UtcMsToLocal(zone, to)) + date::days{1};
    if (layer.start) add_cut(*layer.start);
    if (layer.end) add_cut(*layer.end);
    const long long last_turn = TurnAt(layer, zone, to) + 1;
    for (long long turn = TurnAt(layer, zone, from); turn <= last_turn; ++turn) {
      add_cut(TurnStart(layer, zone, turn));
    }
    ForEachWindow(layer, zone, first_day, last_day, [&](TimeMs start, TimeMs end) {
      add_cut(start);
      add_cut(end);
    });
  }
  for (const Override& override_entry : schedule.overrides) {
    add_cut(override_entry.start);
    add_cut(override_entry.end);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  std::map<std::string, Shift> open;  // user -> shift still running at the current cut
  std::vector<Shift> shifts;
  for (std::size_t index = 0; index + 1 < cuts.size(); ++index) {
    const TimeMs start = cuts[index];
    const TimeMs end = cuts[index + 1];
    const std::vector<std::string> on_call = WhoIsOnCall(schedule, start);
    for (auto it = open.begin(); it != open.end();) {
      if (std::find(on_call.begin(), on_call.end(), it->first) == on_call.end()) {
        shifts.push_back(it->second);
        it = open.erase(it);
      } else {
        ++it;
      }
    }
    for (const std::string& user : on_call) {
      auto [it, inserted] = open.try_emplace(user, Shift{user, start, end});
      if (!inserted) it->second.end = end;
    }
  }
  for (auto& [user, shift] : open) shifts.push_back(shift);
  std::sort(shifts.begin(), shifts.end(), [](const Shift& a, const Shift& b) {
    return a.start != b.start ? a.start < b.start : a.user < b.user;
  });
  return shifts;
}

}  // namespace vakt::oncall
