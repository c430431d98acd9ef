#include "paging/recipient_resolver.h"

#include <algorithm>

#include "escalation/escalation_engine.h"

namespace vakt::paging {
namespace {

void AddUser(const oncall::User& user, std::vector<Contact>& out) {
  for (const oncall::ContactMethod& method : user.contacts) {
    Contact contact{oncall::ContactKindName(method.kind), method.address};
    if (std::find(out.begin(), out.end(), contact) == out.end()) out.push_back(contact);
  }
}

}  // namespace

Result<std::vector<Contact>> ResolveRecipient(const std::string& recipient,
                                              const escalation::OncallConfig& config, TimeMs now,
                                              const std::string& slack_webhook_url) {
  size_t colon = recipient.find(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("recipient " + recipient + " has no kind (user:, group:, ...)");
  }
  std::string kind = recipient.substr(0, colon);
  std::string id = recipient.substr(colon + 1);
  std::vector<Contact> out;
  const oncall::Directory& directory = config.directory;
  if (kind == "email" || kind == "slack" || kind == "webhook") {
    out.push_back({kind, id});
  } else if (kind == "user") {
    const oncall::User* user = directory.FindUser(id);
    if (user == nullptr) return Status::NotFound("recipient " + recipient + ": no such user");
    AddUser(*user, out);
  } else if (kind == "group") {
    const oncall::Team* team = directory.FindTeam(id);
    if (team == nullptr) return Status::NotFound("recipient " + recipient + ": no such team");
    for (const std::string& member : team->members) {
      if (const oncall::User* user = directory.FindUser(member)) AddUser(*user, out);
    }
  } else if (kind == "oncall") {
    const escalation::EscalationPolicy* policy = config.FindPolicy(id);
    if (policy == nullptr || policy->levels.empty()) {
      return Status::NotFound("recipient " + recipient + ": no such escalation policy");
    }
    escalation::DirectoryResolver resolver(directory);
    for (const escalation::Target& target : policy->levels.front().targets) {
      for (const std::string& user_id : resolver.Resolve(target, now)) {
        if (const oncall::User* user = directory.FindUser(user_id)) AddUser(*user, out);
      }
    }
  } else if (kind == "channel") {
    if (slack_webhook_url.empty()) {
      return Status::NotFound("recipient " + recipient + ": no notify.slack_webhook_url configured");
    }
    out.push_back({"slack", slack_webhook_url});
  } else {
    return Status::InvalidArgument("recipient " + recipient + ": unknown kind " + kind);
  }
  if (out.empty()) return Status::NotFound("recipient " + recipient + " reaches nobody");
  return out;
}

}  // namespace vakt::paging
