#include "audit/audit_record.h"

#include <set>

#include "common/crypto.h"
#include "common/json_parse.h"
#include "common/time_format.h"

namespace vakt::audit {
namespace {

const std::set<std::string, std::less<>> kFields = {"action", "actor",   "details", "digest",
                                                    "seq",    "subject", "time",    "v"};

Status CheckNoFloats(const nlohmann::json& value) {
  // Floats have no single canonical text across implementations, so they are refused outright;
  // callers record decimals as strings.
  if (value.is_number_float()) return Status::InvalidArgument("details contain a float");
  if (value.is_structured()) {
    for (const auto& child : value) VAKT_RETURN_IF_ERROR(CheckNoFloats(child));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CanonicalAuditJson(const AuditRecord& record) {
  const AuditEvent& event = record.event;
  if (event.actor.empty() || event.action.empty() || event.subject.empty()) {
    return Status::InvalidArgument("audit record needs actor, action and subject");
  }
  if (!event.digest.empty() && !IsSha256Hex(event.digest)) {
    return Status::InvalidArgument("audit digest must be 64 lowercase hex digits");
  }
  // A default-constructed json (null) means "no details" and is written as {}.
  if (!event.details.is_null() && !event.details.is_object()) {
    return Status::InvalidArgument("audit details must be an object");
  }
  VAKT_RETURN_IF_ERROR(CheckNoFloats(event.details));
  // The record is the object {v, seq, time, actor, action, subject, details[, digest]} as
  // nlohmann's compact strict dump() writes it: keys in byte order, no spaces. It is written
  // field by field here rather than built as a json object and dumped, which copied `details`
  // twice and allocated a map node per field on every append (a fifth of the CPU of a batched
  // SQLite append). audit_record_test pins these bytes against the object-and-dump form.
  try {
    const auto dump = [](const nlohmann::json& value) {
      return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    };
    std::string out = "{\"action\":";
    out += dump(event.action);
    out += ",\"actor\":";
    out += dump(event.actor);
    out += ",\"details\":";
    out += event.details.is_null() ? "{}" : dump(event.details);
    if (!event.digest.empty()) {
      out += ",\"digest\":\"";
      out += event.digest;  // 64 lowercase hex digits, checked above: nothing to escape
      out += '"';
    }
    out += ",\"seq\":";
    out += std::to_string(record.seq);
    out += ",\"subject\":";
    out += dump(event.subject);
    out += ",\"time\":";
    out += dump(FormatRfc3339(record.time));
    out += ",\"v\":";
    out += std::to_string(kAuditRecordVersion);
    out += '}';
    return out;
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidArgument(std::string("audit record is not valid UTF-8: ") + error.what());
  }
}

Result<AuditRecord> ParseAuditRecord(std::string_view canonical_json) {
  auto parsed = ParseJsonStrict(canonical_json);
  if (!parsed.ok()) return Status::Corruption("record is not JSON: " + parsed.status().message());
  const nlohmann::json& object = *parsed;
  if (!object.is_object()) return Status::Corruption("record is not a JSON object");
  for (const auto& [key, value] : object.items()) {
    if (kFields.find(key) == kFields.end())
      return Status::Corruption("record has unknown field " + key);
  }
  auto need = [&object](const char* key, bool ok) -> Status {
    if (!object.contains(key) || !ok)
      return Status::Corruption(std::string("record field ") + key + " missing or mistyped");
    return Status::Ok();
  };
  VAKT_RETURN_IF_ERROR(need("v", object.contains("v") && object["v"].is_number_unsigned()));
  if (object["v"] != kAuditRecordVersion) return Status::Corruption("unsupported record version");
  VAKT_RETURN_IF_ERROR(need("seq", object.contains("seq") && object["seq"].is_number_unsigned()));
  for (const char* key : {"time", "actor", "action", "subject"}) {
    VAKT_RETURN_IF_ERROR(need(key, object.contains(key) && object[key].is_string()));
  }
  VAKT_RETURN_IF_ERROR(
      need("details", object.contains("details") && object["details"].is_object()));
  AuditRecord record;
  record.seq = object["seq"].get<std::uint64_t>();
  auto time = ParseRfc3339(object["time"].get<std::string>());
  if (!time.ok()) return Status::Corruption("record time: " + time.status().message());
  record.time = *time;
  record.event.actor = object["actor"];
  record.event.action = object["action"];
  record.event.subject = object["subject"];
  record.event.details = object["details"];
  if (object.contains("digest")) {
    if (!object["digest"].is_string()) return Status::Corruption("record digest is not a string");
    record.event.digest = object["digest"];
  }
  auto again = CanonicalAuditJson(record);
  if (!again.ok()) return Status::Corruption("record invalid: " + again.status().message());
  if (*again != canonical_json) return Status::Corruption("record is not in canonical form");
  return record;
}

}  // namespace vakt::audit
