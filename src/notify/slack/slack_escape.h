#pragma once

#include <string>
#include <string_view>

namespace vakt::notify::slack {

// U+2060 WORD JOINER: invisible, and splits "@here" so no Slack client or `link_names` parsing
// sees the keyword. Chosen over U+200B because it does not add a line-break opportunity.
inline constexpr std::string_view kWordJoiner = "\xe2\x81\xa0";

// EscapeSlackText makes untrusted text inert in Slack mrkdwn while keeping *bold*, _italic_,
// ~strike~ and `code` formatting:
//  - "&", "<", ">" become "&amp;", "&lt;", "&gt;" (Slack's own escaping rules,
//    https://api.slack.com/reference/surfaces/formatting#escaping). Every Slack control sequence
//    starts with "<": <!channel>, <!here>, <!everyone>, <!subteam^ID>, <@U123> user mentions,
//    <#C123> channel links and <url|text> links, so none can be formed. Escaping "&" first means
//    text that already looks escaped ("&lt;!channel&gt;") shows literally instead of decoding
//    into a mention.
//  - "@here", "@channel" and "@everyone" (any letter case) get a word joiner after the "@".
//    Slack only pings for the <!here> form in API payloads, but the bare words are still parsed
//    as mentions when a message is posted with link_names=1, by some clients and by bridges that
//    copy messages elsewhere; the joiner keeps the text readable and never a ping.
std::string EscapeSlackText(std::string_view text);

// TruncateSlackText cuts escaped text to at most `max_bytes` bytes, never inside a UTF-8
// character or an "&...;" entity, and appends "…" when it cut.
std::string TruncateSlackText(std::string_view escaped, size_t max_bytes);

}  // namespace vakt::notify::slack
