#include "oncall/directory.h"

#include <fmt/format.h>

#include "common/time_format.h"

namespace vakt::oncall {
namespace {

Result<ContactKind> ParseContactKind(const YamlReader& reader) {
  VAKT_ASSIGN_OR_RETURN(std::string text, reader.AsString());
  if (text == "email") return ContactKind::kEmail;
  if (text == "slack") return ContactKind::kSlack;
  if (text == "webhook") return ContactKind::kWebhook;
  return reader.Error(fmt::format("unknown contact method \"{}\" (email, slack, webhook)", text));
}

Result<User> ParseUserImpl(const YamlReader& reader) {
  VAKT_RETURN_IF_ERROR(reader.ExpectMap({"id", "name", "contact", "notification_rules"}));
  User user;
  VAKT_ASSIGN_OR_RETURN(user.id, reader.RequiredString("id"));
  VAKT_RETURN_IF_ERROR(reader.OptionalString("name", user.name));
  if (user.name.empty()) user.name = user.id;
  if (reader.Has("contact")) {
    const YamlReader contact = reader.Child("contact");
    VAKT_RETURN_IF_ERROR(contact.ExpectMap({"email", "slack", "webhook"}));
    for (const auto& [key, kind] : {std::pair{"email", ContactKind::kEmail},
                                    std::pair{"slack", ContactKind::kSlack},
                                    std::pair{"webhook", ContactKind::kWebhook}}) {
      if (!contact.Has(key)) continue;
      VAKT_ASSIGN_OR_RETURN(std::string address, contact.Child(key).AsString());
      if (address.empty()) return contact.Child(key).Error("empty address");
      if (kind == ContactKind::kEmail && address.find('@') == std::string::npos) {
        return contact.Child(key).Error(fmt::format("not an e-mail address: \"{}\"", address));
      }
      if (kind == ContactKind::kWebhook && address.rfind("https://", 0) != 0 &&
          address.rfind("http://", 0) != 0) {
        return contact.Child(key).Error(fmt::format("webhook must be an http(s) URL: \"{}\"", address));
      }
      user.contacts.push_back({kind, std::move(address)});
    }
  }
  if (user.contacts.empty()) return reader.Error(fmt::format("user \"{}\" has no contact method", user.id));
  if (reader.Has("notification_rules")) {
    VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> rules, reader.Child("notification_rules").Items());
    for (const YamlReader& rule_reader : rules) {
      VAKT_RETURN_IF_ERROR(rule_reader.ExpectMap({"after", "via"}));
      NotificationRule rule;
      if (rule_reader.Has("after")) {
        VAKT_ASSIGN_OR_RETURN(rule.delay, rule_reader.Child("after").AsDuration());
      }
      if (!rule_reader.Has("via")) return rule_reader.Error("missing required key \"via\"");
      VAKT_ASSIGN_OR_RETURN(rule.kind, ParseContactKind(rule_reader.Child("via")));
      bool has_contact = false;
      for (const ContactMethod& method : user.contacts) has_contact |= method.kind == rule.kind;
      if (!has_contact) {
        return rule_reader.Error(fmt::format("rule uses {} but user \"{}\" has no {} contact",
                                             ContactKindName(rule.kind), user.id,
                                             ContactKindName(rule.kind)));
      }
      user.notification_rules.push_back(rule);
    }
  }
  return user;
}

Result<Restriction> ParseRestriction(const YamlReader& reader) {
  VAKT_RETURN_IF_ERROR(reader.ExpectMap({"type", "start_day", "start", "duration"}));
  Restriction restriction;
  VAKT_ASSIGN_OR_RETURN(std::string type, reader.RequiredString("type"));
  if (type == "daily") {
    restriction.kind = Restriction::Kind::kDaily;
    if (reader.Has("start_day")) return reader.Child("start_day").Error("daily restrictions take no start_day");
  } else if (type == "weekly") {
    restriction.kind = Restriction::Kind::kWeekly;
    VAKT_ASSIGN_OR_RETURN(std::string day, reader.RequiredString("start_day"));
    Result<unsigned> weekday = ParseWeekday(day);
    if (!weekday.ok()) return reader.Child("start_day").Error(weekday.status().message());
    restriction.start_weekday = *weekday;
  } else {
    return reader.Child("type").Error(fmt::format("unknown restriction type \"{}\" (daily, weekly)", type));
  }
  VAKT_ASSIGN_OR_RETURN(std::string start, reader.RequiredString("start"));
  Result<std::chrono::seconds> time_of_day = ParseTimeOfDay(start);
  if (!time_of_day.ok()) return reader.Child("start").Error(time_of_day.status().message());
  restriction.start_time_of_day = *time_of_day;
  if (!reader.Has("duration")) return reader.Error("missing required key \"duration\"");
  VAKT_ASSIGN_OR_RETURN(TimeMs duration_ms, reader.Child("duration").AsDuration());
  restriction.duration = std::chrono::seconds{duration_ms / 1000};
  const auto limit = restriction.kind == Restriction::Kind::kDaily ? std::chrono::hours{24}
                                                                   : std::chrono::hours{24 * 7};
  if (duration_ms % 1000 != 0 || restriction.duration <= std::chrono::seconds{0} ||
      restriction.duration > limit) {
    return reader.Child("duration").Error(
        fmt::format("duration must be whole seconds in (0, {}]", FormatDuration(limit.count() * 1000)));
  }
  return restriction;
}

Result<Layer> ParseLayer(const YamlReader& reader,
                         const std::map<std::string, User, std::less<>>& users) {
  VAKT_RETURN_IF_ERROR(reader.ExpectMap({"name", "users", "rotation_virtual_start", "turn",
                                         "users_per_turn", "start", "end", "restrictions",
                                         "time_zone"}));
  Layer layer;
  VAKT_RETURN_IF_ERROR(reader.OptionalString("name", layer.name));
  VAKT_RETURN_IF_ERROR(reader.OptionalString("time_zone", layer.time_zone_name));
  if (!layer.time_zone_name.empty()) {
    Result<const date::time_zone*> zone = FindZone(layer.time_zone_name);
    if (!zone.ok()) return reader.Child("time_zone").Error(zone.status().message());
    layer.time_zone = *zone;
  }
  if (!reader.Has("users")) return reader.Error("missing required key \"users\"");
  VAKT_ASSIGN_OR_RETURN(layer.users, reader.Child("users").AsStringList());
  if (layer.users.empty()) return reader.Child("users").Error("a layer needs at least one user");
  for (const std::string& user : layer.users) {
    if (users.find(user) == users.end()) return reader.Child("users").Error(fmt::format("unknown user \"{}\"", user));
  }
  VAKT_ASSIGN_OR_RETURN(std::string virtual_start, reader.RequiredString("rotation_virtual_start"));
  Result<LocalSeconds> local = ParseLocalDateTime(virtual_start);
  if (!local.ok()) return reader.Child("rotation_virtual_start").Error(local.status().message());
  layer.rotation_virtual_start = *local;
  VAKT_ASSIGN_OR_RETURN(std::string turn, reader.RequiredString("turn"));
  Result<std::chrono::seconds> turn_length = ParseTurnLength(turn);
  if (!turn_length.ok()) return reader.Child("turn").Error(turn_length.status().message());
  layer.turn_length = *turn_length;
  if (reader.Has("users_per_turn")) {
    VAKT_ASSIGN_OR_RETURN(long long per_turn, reader.Child("users_per_turn").AsInt());
    if (per_turn < 1 || per_turn > static_cast<long long>(layer.users.size())) {
      return reader.Child("users_per_turn").Error("users_per_turn must be between 1 and the number of users");
    }
    layer.users_per_turn = static_cast<int>(per_turn);
  }
  if (reader.Has("start")) {
    VAKT_ASSIGN_OR_RETURN(TimeMs start, reader.Child("start").AsTime());
    layer.start = start;
  }
  if (reader.Has("end")) {
    VAKT_ASSIGN_OR_RETURN(TimeMs end, reader.Child("end").AsTime());
    layer.end = end;
    if (layer.start && *layer.start >= end) return reader.Child("end").Error("end must be after start");
  }
  if (reader.Has("restrictions")) {
    VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, reader.Child("restrictions").Items());
    for (const YamlReader& item : items) {
      VAKT_ASSIGN_OR_RETURN(Restriction restriction, ParseRestriction(item));
      layer.restrictions.push_back(restriction);
    }
  }
  return layer;
}

Result<Schedule> ParseSchedule(const YamlReader& reader,
                               const std::map<std::string, User, std::less<>>& users) {
  VAKT_RETURN_IF_ERROR(reader.ExpectMap({"id", "name", "time_zone", "layers", "overrides"}));
  Schedule schedule;
  VAKT_ASSIGN_OR_RETURN(schedule.id, reader.RequiredString("id"));
  VAKT_RETURN_IF_ERROR(reader.OptionalString("name", schedule.name));
  if (schedule.name.empty()) schedule.name = schedule.id;
  VAKT_ASSIGN_OR_RETURN(schedule.time_zone_name, reader.RequiredString("time_zone"));
  Result<const date::time_zone*> zone = FindZone(schedule.time_zone_name);
  if (!zone.ok()) return reader.Child("time_zone").Error(zone.status().message());
  schedule.time_zone = *zone;
  if (!reader.Has("layers")) return reader.Error("missing required key \"layers\"");
  VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> layers, reader.Child("layers").Items());
  if (layers.empty()) return reader.Child("layers").Error("a schedule needs at least one layer");
  for (const YamlReader& layer_reader : layers) {
    VAKT_ASSIGN_OR_RETURN(Layer layer, ParseLayer(layer_reader, users));
    schedule.layers.push_back(std::move(layer));
  }
  if (reader.Has("overrides")) {
    VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, reader.Child("overrides").Items());
    for (const YamlReader& item : items) {
      VAKT_RETURN_IF_ERROR(item.ExpectMap({"user", "start", "end"}));
      Override override_entry;
      VAKT_ASSIGN_OR_RETURN(override_entry.user, item.RequiredString("user"));
      if (users.find(override_entry.user) == users.end()) {
        return item.Child("user").Error(fmt::format("unknown user \"{}\"", override_entry.user));
      }
      if (!item.Has("start") || !item.Has("end")) return item.Error("an override needs start and end");
      VAKT_ASSIGN_OR_RETURN(override_entry.start, item.Child("start").AsTime());
      VAKT_ASSIGN_OR_RETURN(override_entry.end, item.Child("end").AsTime());
      if (override_entry.end <= override_entry.start) return item.Child("end").Error("end must be after start");
      schedule.overrides.push_back(std::move(override_entry));
    }
  }
  return schedule;
}

}  // namespace

Result<User> ParseUserEntry(const YamlReader& reader) { return ParseUserImpl(reader); }

Result<Team> ParseTeamEntry(const YamlReader& reader) {
  VAKT_RETURN_IF_ERROR(reader.ExpectMap({"id", "name", "members"}));
  Team team;
  VAKT_ASSIGN_OR_RETURN(team.id, reader.RequiredString("id"));
  VAKT_RETURN_IF_ERROR(reader.OptionalString("name", team.name));
  if (team.name.empty()) team.name = team.id;
  if (!reader.Has("members")) return reader.Error("missing required key \"members\"");
  VAKT_ASSIGN_OR_RETURN(team.members, reader.Child("members").AsStringList());
  if (team.members.empty())
    return reader.Child("members").Error("a team needs at least one member");
  return team;
}

void Directory::PutUser(User user) {
  std::string id = user.id;
  users_.insert_or_assign(std::move(id), std::move(user));
}

Status Directory::PutTeam(Team team) {
  for (const std::string& member : team.members) {
    if (FindUser(member) == nullptr) {
      return Status::NotFound(fmt::format("team \"{}\": no user \"{}\"", team.id, member));
    }
  }
  std::string id = team.id;
  teams_.insert_or_assign(std::move(id), std::move(team));
  return Status::Ok();
}

std::vector<std::string> Directory::ReferencesTo(std::string_view user_id) const {
  std::vector<std::string> found;
  for (const auto& [id, team] : teams_) {
    for (const std::string& member : team.members) {
      if (member == user_id) {
        found.push_back("team " + id);
        break;
      }
    }
  }
  for (const auto& [id, schedule] : schedules_) {
    bool named = false;
    for (const Layer& layer : schedule.layers) {
      for (const std::string& member : layer.users) named |= member == user_id;
    }
    for (const Override& entry : schedule.overrides) named |= entry.user == user_id;
    if (named) found.push_back("schedule " + id);
  }
  return found;
}

Result<std::chrono::seconds> ParseTurnLength(std::string_view text) {
  if (text == "daily") return std::chrono::seconds{std::chrono::hours{24}};
  if (text == "weekly") return std::chrono::seconds{std::chrono::hours{24 * 7}};
  VAKT_ASSIGN_OR_RETURN(TimeMs ms, ParseDuration(text));
  if (ms < 60'000 || ms % 1000 != 0) {
    return Status::InvalidArgument(
        fmt::format("turn must be daily, weekly or a duration of at least 1m, got \"{}\"", text));
  }
  return std::chrono::seconds{ms / 1000};
}

const User* Directory::FindUser(std::string_view id) const {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

const Team* Directory::FindTeam(std::string_view id) const {
  auto it = teams_.find(id);
  return it == teams_.end() ? nullptr : &it->second;
}

const Schedule* Directory::FindSchedule(std::string_view id) const {
  auto it = schedules_.find(id);
  return it == schedules_.end() ? nullptr : &it->second;
}

Status Directory::AddOverride(std::string_view schedule_id, const Override& entry) {
  auto schedule = schedules_.find(schedule_id);
  if (schedule == schedules_.end()) {
    return Status::NotFound("no schedule " + std::string(schedule_id));
  }
  if (FindUser(entry.user) == nullptr) return Status::NotFound("no user " + entry.user);
  if (entry.start >= entry.end) return Status::InvalidArgument("override start must be before end");
  schedule->second.overrides.push_back(entry);
  return Status::Ok();
}

Result<Directory> Directory::Parse(const YamlReader& root) {
  if (!root.IsMap()) return root.Error("expected a mapping at the top level");
  Directory directory;
  if (root.Has("users")) {
    VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, root.Child("users").Items());
    for (const YamlReader& item : items) {
      VAKT_ASSIGN_OR_RETURN(User user, ParseUserEntry(item));
      std::string id = user.id;
      if (!directory.users_.emplace(id, std::move(user)).second) {
        return item.Child("id").Error(fmt::format("duplicate user id \"{}\"", id));
      }
    }
  }
  if (root.Has("teams")) {
    VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, root.Child("teams").Items());
    for (const YamlReader& item : items) {
      VAKT_ASSIGN_OR_RETURN(Team team, ParseTeamEntry(item));
      for (const std::string& member : team.members) {
        if (!directory.FindUser(member)) {
          return item.Child("members").Error(fmt::format("unknown user \"{}\"", member));
        }
      }
      std::string id = team.id;
      if (!directory.teams_.emplace(id, std::move(team)).second) {
        return item.Child("id").Error(fmt::format("duplicate team id \"{}\"", id));
      }
    }
  }
  if (root.Has("schedules")) {
    VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, root.Child("schedules").Items());
    for (const YamlReader& item : items) {
      VAKT_ASSIGN_OR_RETURN(Schedule schedule, ParseSchedule(item, directory.users_));
      std::string id = schedule.id;
      if (!directory.schedules_.emplace(id, std::move(schedule)).second) {
        return item.Child("id").Error(fmt::format("duplicate schedule id \"{}\"", id));
      }
    }
  }
  return directory;
}

Result<Directory> LoadDirectoryFile(const std::string& file) {
  VAKT_ASSIGN_OR_RETURN(YamlReader root, YamlReader::LoadFile(file));
  VAKT_RETURN_IF_ERROR(root.ExpectMap({"users", "teams", "schedules"}));
  return Directory::Parse(root);
}

}  // namespace vakt::oncall
