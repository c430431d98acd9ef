#pragma once

// Public surface of notify/: deliver an already-decided, already-rendered Notification.
//
//   CurlHttpClient http;                                    // notify/http_client.h
//   auto webhook = webhook::WebhookNotifier::Create(secret, http, clock);
//   slack::SlackNotifier slack(http);
//   email::EmailNotifier mail({.url = "smtp://127.0.0.1:25", .from = "vakt@example.com"}, clock);
//   RetryingNotifier retrying(**webhook, RetryPolicy{}, clock);
//   Status status = retrying.Send(notification);            // Unavailable = retry later
//
// Every channel escapes Notification text for its own format (JSON, Slack mrkdwn, MIME headers);
// templates (template/) render the text first, with values treated as data.

#include "notify/email/email_notifier.h"
#include "notify/http_client.h"
#include "notify/notification.h"
#include "notify/notifier.h"
#include "notify/retrying_notifier.h"
#include "notify/slack/slack_notifier.h"
#include "notify/webhook/standard_webhooks.h"
#include "notify/webhook/webhook_notifier.h"
