// Notification templates (issue 5): which file a moment and channel use, what the page and the
// notices say when rendered (the shipped examples/templates included), how values are escaped
// for each sink, and that a broken template is reported when loaded, naming the file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "paging/notification_template.h"
#include "paging/page_messages.h"
#include "paging/stakeholder_notice.h"

namespace vakt::paging {
namespace {

constexpr const char* kExamples = VAKT_EXAMPLE_TEMPLATES_DIR;
constexpr TimeMs kCreated = 1'772'452'800'000;  // 2026-03-02T12:00:00Z
const char* const kChannels[] = {"email", "slack", "webhook"};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

// Hostile text as an alert could bring it: HTML, quotes, a Mustache tag, Slack mentions.
constexpr const char* kHostileTitle = "Drift <b>&\"x\"</b> {{severity}} <!channel> @here";

Incident FullIncident() {
  Incident incident;
  incident.id = 42;
  incident.title = "Fraud model drift";
  incident.severity = "critical";
  incident.state = IncidentState::kAcknowledged;
  incident.runbook_id = "fraud-model-drift";
  incident.runbook_version = "v3";
  incident.assignee = "alice";
  incident.created_at = kCreated;
  incident.acknowledged_at = kCreated + 60'000;
  incident.mitigated_at = kCreated + 120'000;
  incident.resolved_at = kCreated + 180'000;
  return incident;
}

// MinimalIncident has only what every incident has: no runbook, assignee or later times.
Incident MinimalIncident() {
  Incident incident;
  incident.id = 7;
  incident.title = "Latency";
  incident.severity = "warning";
  incident.created_at = kCreated;
  return incident;
}

escalation::PageIntent Page() {
  escalation::PageIntent page;
  page.policy_id = "ml-primary";
  page.level = 1;
  page.target = "schedule:primary";
  page.user = "alice";
  page.idempotency_key = "page:INC-42:ml-primary:0:1:alice";
  page.fired_at = kCreated;
  return page;
}

// Alice is reached on every channel at once (no notification rules).
oncall::User Alice() {
  oncall::User user;
  user.id = "alice";
  user.name = "Alice";
  user.contacts = {{oncall::ContactKind::kEmail, "alice@example.com"},
                   {oncall::ContactKind::kSlack, "U0ALICE"},
                   {oncall::ContactKind::kWebhook, "https://hooks.example/alice"}};
  return user;
}

PagedIncident Paged(const std::string& title = "Fraud model drift",
                    const std::string& runbook = "fraud-model-drift") {
  PagedIncident incident;
  incident.id = 42;
  incident.title = title;
  incident.severity = "critical";
  incident.runbook_id = runbook;
  return incident;
}

const storage::OutboxMessage& OnChannel(const std::vector<storage::OutboxMessage>& messages,
                                        const std::string& channel) {
  for (const auto& message : messages) {
    if (message.channel == channel) return message;
  }
  ADD_FAILURE() << "no message on channel " << channel;
  static const storage::OutboxMessage kNone;
  return kNone;
}

std::string TextOf(const storage::OutboxMessage& message) {
  return nlohmann::json::parse(message.payload).at("text").get<std::string>();
}

class TemplateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vakt-templates-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  std::filesystem::path dir_;
};

// --- Which file a moment and channel use -------------------------------------------------------

TEST_F(TemplateDirTest, ANoticeChannelTemplateIsUsedForItsChannelAndTheGenericOneForOthers) {
  Write("update.mustache", "Subject: generic {{reference}}\nGENERIC\n");
  Write("update.slack.mustache", "Subject: slack {{reference}}\n*SLACK*\n");
  struct Case {
    std::string channel;
    std::string subject;
    std::string body;
  };
  const Case cases[] = {{"slack", "slack INC-42", "*SLACK*\n"},
                        {"email", "generic INC-42", "GENERIC\n"},
                        {"webhook", "generic INC-42", "GENERIC\n"},
                        {"", "generic INC-42", "GENERIC\n"}};
  for (const Case& c : cases) {
    auto source = LoadNoticeTemplate(dir_.string(), "update", c.channel);
    ASSERT_TRUE(source.ok()) << c.channel << ": " << source.status().ToString();
    auto rendered = RenderNotice(*source, FullIncident());
    ASSERT_TRUE(rendered.ok()) << c.channel << ": " << rendered.status().ToString();
    EXPECT_EQ(rendered->first, c.subject) << "channel " << c.channel;
    EXPECT_EQ(rendered->second, c.body) << "channel " << c.channel;
  }
}

TEST_F(TemplateDirTest, AChannelTemplateForOneMomentDoesNotLeakIntoAnother) {
  Write("update.slack.mustache", "Subject: slack update\nU\n");
  Write("resolution.mustache", "Subject: resolved\nR\n");
  auto source = LoadNoticeTemplate(dir_.string(), "resolution", "slack");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ(*source, "Subject: resolved\nR\n");
}

TEST_F(TemplateDirTest, APageUsesItsChannelsTemplateAndThePageTemplateForTheOtherChannels) {
  Write("page.mustache",
        "Subject: P {{reference}} {{title}}\n"
        "GENERIC id={{incident_id}} ref={{reference}} title={{title}} sev={{severity}} "
        "runbook={{runbook}} level={{level}} user={{user_name}} via={{via}}\n");
  Write("page.slack.mustache",
        "Subject: S {{reference}}\n*{{reference}}* {{title}} for {{user}}\n");
  const PageTemplates templates = LoadPageTemplates(dir_.string());
  auto messages = PageMessages(Page(), Alice(), Paged(), &templates);
  ASSERT_EQ(messages.size(), 3u);
  const std::string generic =
      "GENERIC id=42 ref=INC-42 title=Fraud model drift sev=critical runbook=fraud-model-drift "
      "level=2 user=Alice via=schedule:primary\n";
  EXPECT_EQ(OnChannel(messages, "email").subject, "P INC-42 Fraud model drift");
  EXPECT_EQ(TextOf(OnChannel(messages, "email")), generic);
  EXPECT_EQ(OnChannel(messages, "webhook").subject, "P INC-42 Fraud model drift");
  EXPECT_EQ(TextOf(OnChannel(messages, "webhook")), generic);
  EXPECT_EQ(OnChannel(messages, "slack").subject, "S INC-42");
  EXPECT_EQ(TextOf(OnChannel(messages, "slack")), "*INC-42* Fraud model drift for alice\n");
}

TEST(ShippedTemplatesTest, EveryMomentAndChannelLoadsItsChannelFileElseTheGenericOne) {
  ASSERT_TRUE(CheckTemplateDirectory(kExamples).ok())
      << CheckTemplateDirectory(kExamples).ToString();
  const std::filesystem::path dir(kExamples);
  int channel_specific = 0;
  for (const std::string& moment : kNoticeTemplates) {
    for (const char* channel : kChannels) {
      const std::filesystem::path specific = dir / (moment + "." + channel + ".mustache");
      const bool has_specific = std::filesystem::exists(specific);
      channel_specific += has_specific ? 1 : 0;
      auto source = LoadNoticeTemplate(kExamples, moment, channel);
      ASSERT_TRUE(source.ok()) << moment << "/" << channel << ": " << source.status().ToString();
      EXPECT_EQ(*source, ReadFile(has_specific ? specific : dir / (moment + ".mustache")))
          << moment << "/" << channel;
    }
  }
  // The shipped set has Slack versions (mrkdwn) of stakeholder-initial, update and resolution.
  EXPECT_EQ(channel_specific, 3);
  const PageTemplates page = LoadPageTemplates(kExamples);
  EXPECT_EQ(page.any, ReadFile(dir / "page.mustache"));
  ASSERT_EQ(page.by_channel.size(), 1u);
  EXPECT_EQ(page.by_channel.at("slack"), ReadFile(dir / "page.slack.mustache"));
}

// --- What the rendered messages say ------------------------------------------------------------

TEST(ShippedTemplatesTest, ThePageTemplateSaysExactlyWhatTheBuiltInPageSays) {
  // page.mustache is the built-in text as a template: an operator who copies it starts from what
  // on-call people already receive.
  const PageTemplates shipped = LoadPageTemplates(kExamples);
  auto templated = PageMessages(Page(), Alice(), Paged(), &shipped);
  auto built_in = PageMessages(Page(), Alice(), Paged());
  for (const char* channel : {"email", "webhook"}) {
    EXPECT_EQ(OnChannel(templated, channel).subject, OnChannel(built_in, channel).subject);
    // The file ends with a newline; the built-in text does not.
    EXPECT_EQ(TextOf(OnChannel(templated, channel)), TextOf(OnChannel(built_in, channel)) + "\n");
  }
  EXPECT_EQ(OnChannel(templated, "email").subject,
            "[vakt] INC-42 Fraud model drift (critical, level 2)");
  EXPECT_EQ(TextOf(OnChannel(templated, "email")),
            "INC-42: Fraud model drift\n"
            "Severity: critical\n"
            "Runbook: fraud-model-drift\n"
            "Paged: Alice via schedule:primary (escalation ml-primary, level 2)\n"
            "Acknowledge: vakt incident ack 42\n");
  EXPECT_EQ(TextOf(OnChannel(templated, "slack")),
            "*Page for Alice*: *INC-42* Fraud model drift (critical)\n"
            "Runbook fraud-model-drift · escalation ml-primary level 2 via schedule:primary\n"
            "Acknowledge with `vakt incident ack 42`\n");
}

TEST(ShippedTemplatesTest, EveryNoticeRendersTheIncidentFieldsOnEveryChannel) {
  const Incident incident = FullIncident();
  for (const std::string& moment : kNoticeTemplates) {
    for (const char* channel : kChannels) {
      SCOPED_TRACE(moment + "/" + channel);
      auto source = LoadNoticeTemplate(kExamples, moment, channel);
      ASSERT_TRUE(source.ok()) << source.status().ToString();
      auto rendered = RenderNotice(*source, incident);
      ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
      EXPECT_NE(rendered->first.find("INC-42"), std::string::npos) << rendered->first;
      const std::string all = rendered->first + "\n" + rendered->second;
      EXPECT_NE(all.find("Fraud model drift"), std::string::npos) << all;
      EXPECT_NE(all.find("critical"), std::string::npos) << all;
      EXPECT_EQ(all.find("{{"), std::string::npos) << all;
      EXPECT_EQ(all.find("}}"), std::string::npos) << all;
    }
  }
  auto regulator = LoadNoticeTemplate(kExamples, "regulator-initial", "email");
  ASSERT_TRUE(regulator.ok());
  auto rendered = RenderNotice(*regulator, incident);
  ASSERT_TRUE(rendered.ok());
  EXPECT_NE(rendered->second.find("Detected:           2026-03-02T12:00:00.000Z\n"),
            std::string::npos)
      << rendered->second;
  EXPECT_NE(rendered->second.find("Procedure followed: fraud-model-drift v3\n"), std::string::npos)
      << rendered->second;
}

// --- Escaping fits the sink ---------------------------------------------------------------------

TEST(PageEscapingTest, AlertTextStaysLiteralInPlainTextAndRoundTripsThroughTheJsonBody) {
  // Plain text (e-mail text/plain, webhook JSON built by a serialiser, Slack text that the Slack
  // notifier escapes itself): no HTML entities, no template expansion of data.
  const PageTemplates shipped = LoadPageTemplates(kExamples);
  auto messages = PageMessages(Page(), Alice(), Paged(kHostileTitle), &shipped);
  for (const char* channel : kChannels) {
    SCOPED_TRACE(channel);
    const storage::OutboxMessage& message = OnChannel(messages, channel);
    const nlohmann::json payload = nlohmann::json::parse(message.payload);
    EXPECT_EQ(payload.at("title"), kHostileTitle);
    const std::string text = payload.at("text").get<std::string>();
    EXPECT_NE(text.find(kHostileTitle), std::string::npos) << text;
    EXPECT_EQ(text.find("&amp;"), std::string::npos) << text;
    EXPECT_EQ(text.find("&lt;"), std::string::npos) << text;
    EXPECT_NE(message.subject.find(kHostileTitle), std::string::npos) << message.subject;
  }
}

TEST(NoticeEscapingTest, AlertTextStaysLiteralInEveryShippedNotice) {
  Incident incident = FullIncident();
  incident.title = kHostileTitle;
  for (const std::string& moment : kNoticeTemplates) {
    for (const char* channel : kChannels) {
      SCOPED_TRACE(moment + "/" + channel);
      auto source = LoadNoticeTemplate(kExamples, moment, channel);
      ASSERT_TRUE(source.ok()) << source.status().ToString();
      auto rendered = RenderNotice(*source, incident);
      ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
      const std::string all = rendered->first + "\n" + rendered->second;
      EXPECT_NE(all.find(kHostileTitle), std::string::npos) << all;
      EXPECT_EQ(all.find("&quot;"), std::string::npos) << all;
    }
  }
}

TEST(NoticeEscapingTest, ALineBreakInTheTitleStaysInTheSubjectAsSpacesNotAHeaderOrBodyLine) {
  Incident incident = FullIncident();
  incident.title = "Drift\r\nBcc: attacker@evil.example";
  auto rendered = RenderNotice("Subject: {{reference}} {{title}}\nBody\n", incident);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(rendered->first, "INC-42 Drift  Bcc: attacker@evil.example");
  EXPECT_EQ(rendered->second, "Body\n");
}

TEST(PageEscapingTest, ALineBreakInTheTitleStaysInThePageSubject) {
  const PageTemplates shipped = LoadPageTemplates(kExamples);
  auto messages = PageMessages(Page(), Alice(), Paged("Drift\nBcc: x@evil.example"), &shipped);
  EXPECT_EQ(OnChannel(messages, "email").subject,
            "[vakt] INC-42 Drift Bcc: x@evil.example (critical, level 2)");
  EXPECT_EQ(TextOf(OnChannel(messages, "email")).rfind("INC-42: Drift\nBcc: x@evil.example\n", 0),
            0u);
}

// --- Missing optional fields --------------------------------------------------------------------

TEST(MissingFieldsTest, UnsetOptionalNoticeFieldsRenderEmptyNotAsTags) {
  const Incident incident = MinimalIncident();
  for (const std::string& moment : kNoticeTemplates) {
    for (const char* channel : kChannels) {
      SCOPED_TRACE(moment + "/" + channel);
      auto source = LoadNoticeTemplate(kExamples, moment, channel);
      ASSERT_TRUE(source.ok()) << source.status().ToString();
      auto rendered = RenderNotice(*source, incident);
      ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
      const std::string all = rendered->first + "\n" + rendered->second;
      EXPECT_EQ(all.find("{{"), std::string::npos) << all;
      EXPECT_EQ(all.find("}}"), std::string::npos) << all;
    }
  }
  auto update = LoadNoticeTemplate(kExamples, "update", "email");
  ASSERT_TRUE(update.ok());
  auto rendered = RenderNotice(*update, incident);
  ASSERT_TRUE(rendered.ok());
  EXPECT_NE(rendered->second.find("\nAcknowledged: \n"), std::string::npos) << rendered->second;
  EXPECT_NE(rendered->second.find("\nMitigated:    \n"), std::string::npos) << rendered->second;
  EXPECT_NE(rendered->second.find("\nAssignee:     \n"), std::string::npos) << rendered->second;
}

TEST(MissingFieldsTest, AContextFieldThisIncidentLacksRendersEmptyAndTheNoticeIsStillSent) {
  const std::string source =
      "Subject: {{reference}}\nModel {{context.deployment.model}} at "
      "[{{context.deployment.version}}]{{#context.deployment}} (deployed){{/context.deployment}}\n";
  Incident with = MinimalIncident();
  with.context = {{"deployment", {{"model", "fraud"}, {"version", "12"}}}};
  auto full = RenderNotice(source, with);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->second, "Model fraud at [12] (deployed)\n");
  auto empty = RenderNotice(source, MinimalIncident());
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->second, "Model  at []\n");
}

TEST(MissingFieldsTest, APageWithoutARunbookRendersAnEmptyRunbookLine) {
  const PageTemplates shipped = LoadPageTemplates(kExamples);
  auto messages = PageMessages(Page(), Alice(), Paged("Latency", ""), &shipped);
  const std::string text = TextOf(OnChannel(messages, "email"));
  EXPECT_NE(text.find("\nRunbook: \n"), std::string::npos) << text;
  EXPECT_EQ(text.find("{{"), std::string::npos) << text;
}

// --- Broken templates are reported when loaded, naming the file ---------------------------------

struct BrokenCase {
  std::string source;
  std::string message;  // expected in the error besides the file's path
};

const BrokenCase kBroken[] = {
    {"Subject: {{reference}}\n{{#drill}}unclosed section\n", "template file"},
    {"Subject: {{reference}\nunclosed tag\n", "template file"},
    {"Subject: {{reference}}\n{{>header}}\n", "partials are not supported"},
    {"{{reference}} has no subject line\n", "first line must be \"Subject: …\""},
    {"Subject: {{titel}}\n", "unknown variable \"titel\""},
    {"Subject: x\n{{#resolved}}done{{/resolved}}\n", "unknown section \"resolved\""},
    {"Subject: x\n{{^acked}}not yet{{/acked}}\n", "unknown section \"acked\""},
    {"Subject: x\n{{{summary}}}\n", "unknown variable \"summary\""},
    {"Subject: {{#drill}}[DRILL]\n{{/drill}}body\n", "Subject line must be complete"},
};

TEST_F(TemplateDirTest, ABrokenNoticeTemplateIsAnErrorNamingTheFile) {
  for (const BrokenCase& c : kBroken) {
    SCOPED_TRACE(c.source);
    const std::string path = Write("update.email.mustache", c.source);
    auto loaded = LoadNoticeTemplate(dir_.string(), "update", "email");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(loaded.status().message().find(path), std::string::npos)
        << loaded.status().ToString();
    EXPECT_NE(loaded.status().message().find(c.message), std::string::npos)
        << loaded.status().ToString();
    Status checked = CheckTemplateDirectory(dir_.string());
    EXPECT_FALSE(checked.ok());
    EXPECT_NE(checked.message().find(path), std::string::npos) << checked.ToString();
  }
}

TEST_F(TemplateDirTest, ABrokenPageTemplateIsReportedAndItsChannelFallsBackToThePageTemplate) {
  Write("page.mustache", "Subject: P {{reference}}\nGENERIC {{title}}\n");
  for (const BrokenCase& c : kBroken) {
    SCOPED_TRACE(c.source);
    const std::string path = Write("page.slack.mustache", c.source);
    Status checked = CheckTemplateDirectory(dir_.string());
    ASSERT_FALSE(checked.ok());
    EXPECT_NE(checked.message().find(path), std::string::npos) << checked.ToString();
    EXPECT_NE(checked.message().find(c.message), std::string::npos) << checked.ToString();
    // Still loaded for paging, without the broken file: a page is never lost to a template.
    const PageTemplates templates = LoadPageTemplates(dir_.string());
    EXPECT_EQ(templates.by_channel.count("slack"), 0u);
    auto messages = PageMessages(Page(), Alice(), Paged(), &templates);
    EXPECT_EQ(TextOf(OnChannel(messages, "slack")), "GENERIC Fraud model drift\n");
  }
}

TEST(TemplateCheckTest, NamesInsideSectionsDottedNamesAndKnownSectionsAreAccepted) {
  const std::string source =
      "Subject: {{reference}}\n"
      "{{#drill}}[DRILL] {{/drill}}{{^assignee}}unassigned{{/assignee}}\n"
      "{{context.deployment.version}}\n"
      "{{#context.alerts}}{{labels.service}} {{.}}{{/context.alerts}}\n"
      "{{! a comment }}{{=<% %>=}}<% title %>\n";
  EXPECT_TRUE(CheckTemplateSource(source, NoticeContextKeys(), "x.mustache").ok())
      << CheckTemplateSource(source, NoticeContextKeys(), "x.mustache").ToString();
  // The page context has no "state": a notice name is not a page name.
  Status page = CheckTemplateSource("Subject: {{state}}\n", PageContextKeys(), "page.mustache");
  EXPECT_FALSE(page.ok());
  EXPECT_NE(page.message().find("page.mustache: unknown variable \"state\""), std::string::npos)
      << page.ToString();
}

TEST_F(TemplateDirTest, AnEmptyOrMissingDirectoryHasNothingToReport) {
  EXPECT_TRUE(CheckTemplateDirectory("").ok());
  EXPECT_TRUE(CheckTemplateDirectory((dir_ / "absent").string()).ok());
  EXPECT_TRUE(CheckTemplateDirectory(dir_.string()).ok());
}

}  // namespace
}  // namespace vakt::paging
