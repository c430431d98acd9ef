#include "paging/people.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "oncall/directory.h"
#include "oncall/yaml_reader.h"

namespace vakt::paging {
namespace {

using storage::OncallPersonKind;

constexpr size_t kMaxDocumentBytes = 64 * 1024;

// ReadDocument parses `document` and gives it the path's id when it has none, so a PUT body need
// not repeat the id; one that names another id is refused.
Result<oncall::YamlReader> ReadDocument(const std::string& id, std::string_view document) {
  if (document.size() > kMaxDocumentBytes) {
    return Status::InvalidArgument("body: document over 64 KiB");
  }
  VAKT_ASSIGN_OR_RETURN(oncall::YamlReader reader,
                        oncall::YamlReader::LoadString(document, "body"));
  if (!reader.IsMap()) return reader.Error("expected a mapping");
  if (!reader.Has("id")) {
    YAML::Node node = reader.node();
    try {
      node["id"] = id;
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(std::string("body: ") + e.what());
    }
    return oncall::YamlReader(node, "body", "");
  }
  VAKT_ASSIGN_OR_RETURN(std::string named, reader.RequiredString("id"));
  if (named != id) {
    return reader.Child("id").Error("\"" + named + "\" does not match the id in the path \"" + id +
                                    "\"");
  }
  return reader;
}

bool PolicyTargets(const escalation::OncallConfig& config, escalation::Target::Kind kind,
                   const std::string& id, std::string* policy) {
  for (const auto& [policy_id, entry] : config.policies) {
    for (const escalation::Level& level : entry.levels) {
      for (const escalation::Target& target : level.targets) {
        if (target.kind == kind && target.id == id) {
          *policy = policy_id;
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace

const char* PersonSourceName(PersonSource source) {
  return source == PersonSource::kApi ? "api" : "file";
}

Result<oncall::User> ParseUserDocument(const std::string& id, std::string_view document) {
  VAKT_ASSIGN_OR_RETURN(oncall::YamlReader reader, ReadDocument(id, document));
  return oncall::ParseUserEntry(reader);
}

Result<oncall::Team> ParseTeamDocument(const std::string& id, std::string_view document) {
  VAKT_ASSIGN_OR_RETURN(oncall::YamlReader reader, ReadDocument(id, document));
  return oncall::ParseTeamEntry(reader);
}

nlohmann::json UserJson(const oncall::User& user) {
  nlohmann::json contact = nlohmann::json::object();
  for (const oncall::ContactMethod& method : user.contacts) {
    contact[oncall::ContactKindName(method.kind)] = method.address;
  }
  nlohmann::json rules = nlohmann::json::array();
  for (const oncall::NotificationRule& rule : user.notification_rules) {
    rules.push_back(
        {{"after", FormatDuration(rule.delay)}, {"via", oncall::ContactKindName(rule.kind)}});
  }
  return {
      {"id", user.id}, {"name", user.name}, {"contact", contact}, {"notification_rules", rules}};
}

nlohmann::json TeamJson(const oncall::Team& team) {
  return {{"id", team.id}, {"name", team.name}, {"members", team.members}};
}

std::string UserDocument(const oncall::User& user) {
  nlohmann::json out = UserJson(user);
  if (out["notification_rules"].empty()) out.erase("notification_rules");
  return out.dump();
}

std::string TeamDocument(const oncall::Team& team) { return TeamJson(team).dump(); }

Status People::Refresh() {
  storage::SqlOncallPeopleStore store(database_);
  VAKT_ASSIGN_OR_RETURN(auto stored_users, store.List(OncallPersonKind::kUser));
  VAKT_ASSIGN_OR_RETURN(auto stored_teams, store.List(OncallPersonKind::kTeam));
  std::vector<oncall::User> users;
  for (const auto& entry : stored_users) {
    auto user = ParseUserDocument(entry.id, entry.document);
    if (!user.ok()) {
      spdlog::warn("stored user {} left out: {}", entry.id, user.status().ToString());
      continue;
    }
    users.push_back(std::move(*user));
  }
  std::vector<oncall::Team> teams;
  for (const auto& entry : stored_teams) {
    auto team = ParseTeamDocument(entry.id, entry.document);
    if (!team.ok()) {
      spdlog::warn("stored team {} left out: {}", entry.id, team.status().ToString());
      continue;
    }
    teams.push_back(std::move(*team));
  }
  oncall_.SetPeople(std::move(users), std::move(teams));
  return Status::Ok();
}

Result<std::int64_t> People::PutUser(const std::string& id, std::string_view document,
                                     std::optional<std::int64_t> expected_version,
                                     const std::string& actor) {
  VAKT_ASSIGN_OR_RETURN(oncall::User user, ParseUserDocument(id, document));
  storage::SqlOncallPeopleStore store(database_);
  VAKT_ASSIGN_OR_RETURN(std::int64_t version,
                        store.Put(OncallPersonKind::kUser, id, UserDocument(user), expected_version,
                                  actor, clock_.NowMs()));
  VAKT_RETURN_IF_ERROR(Refresh());
  return version;
}

Result<std::int64_t> People::PutTeam(const std::string& id, std::string_view document,
                                     std::optional<std::int64_t> expected_version,
                                     const std::string& actor) {
  VAKT_ASSIGN_OR_RETURN(oncall::Team team, ParseTeamDocument(id, document));
  VAKT_RETURN_IF_ERROR(Refresh());  // members another instance added count
  auto config = oncall_.Get();
  for (size_t index = 0; index < team.members.size(); ++index) {
    if (config->directory.FindUser(team.members[index]) == nullptr) {
      return Status::InvalidArgument("members[" + std::to_string(index) + "]: no user \"" +
                                     team.members[index] + "\"");
    }
  }
  storage::SqlOncallPeopleStore store(database_);
  VAKT_ASSIGN_OR_RETURN(std::int64_t version,
                        store.Put(OncallPersonKind::kTeam, id, TeamDocument(team), expected_version,
                                  actor, clock_.NowMs()));
  VAKT_RETURN_IF_ERROR(Refresh());
  return version;
}

Status People::DeleteUser(const std::string& id, const std::string& actor) {
  VAKT_RETURN_IF_ERROR(Refresh());
  if (oncall_.File()->directory.FindUser(id) == nullptr) {
    // Without a file user to fall back to, a reference would point at nobody.
    auto config = oncall_.Get();
    std::vector<std::string> references = config->directory.ReferencesTo(id);
    std::string policy;
    if (PolicyTargets(*config, escalation::Target::Kind::kUser, id, &policy)) {
      references.push_back("escalation policy " + policy);
    }
    if (!references.empty()) {
      std::string list;
      for (const std::string& reference : references)
        list += (list.empty() ? "" : ", ") + reference;
      return Status::FailedPrecondition("user " + id + " is still named by " + list);
    }
  }
  storage::SqlOncallPeopleStore store(database_);
  VAKT_RETURN_IF_ERROR(store.Delete(OncallPersonKind::kUser, id, actor, clock_.NowMs()));
  return Refresh();
}

Status People::DeleteTeam(const std::string& id, const std::string& actor) {
  VAKT_RETURN_IF_ERROR(Refresh());
  if (oncall_.File()->directory.FindTeam(id) == nullptr) {
    std::string policy;
    if (PolicyTargets(*oncall_.Get(), escalation::Target::Kind::kTeam, id, &policy)) {
      return Status::FailedPrecondition("team " + id + " is still targeted by escalation policy " +
                                        policy);
    }
  }
  storage::SqlOncallPeopleStore store(database_);
  VAKT_RETURN_IF_ERROR(store.Delete(OncallPersonKind::kTeam, id, actor, clock_.NowMs()));
  return Refresh();
}

Result<PeopleEntry> People::Origin(OncallPersonKind kind, const std::string& id, bool exists) {
  storage::SqlOncallPeopleStore store(database_);
  VAKT_ASSIGN_OR_RETURN(auto stored, store.List(kind));
  for (const auto& entry : stored) {
    if (entry.id == id) return PeopleEntry{PersonSource::kApi, entry.version};
  }
  if (!exists) {
    return Status::NotFound(std::string("no ") + storage::OncallPersonKindName(kind) + " " + id);
  }
  return PeopleEntry{PersonSource::kFile, 0};
}

Result<PeopleEntry> People::UserOrigin(const std::string& id) {
  return Origin(OncallPersonKind::kUser, id, oncall_.File()->directory.FindUser(id) != nullptr);
}

Result<PeopleEntry> People::TeamOrigin(const std::string& id) {
  return Origin(OncallPersonKind::kTeam, id, oncall_.File()->directory.FindTeam(id) != nullptr);
}

}  // namespace vakt::paging
