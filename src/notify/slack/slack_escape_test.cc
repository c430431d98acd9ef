#include "notify/slack/slack_escape.h"

#include <gtest/gtest.h>

namespace vakt::notify::slack {
namespace {

const std::string kJ(kWordJoiner);

TEST(SlackEscapeTest, EscapesControlCharactersAndBroadcastWords) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"<!channel> <!here> <!everyone>", "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;"},
      {"<@U123> <#C123|ops> <!subteam^S1>", "&lt;@U123&gt; &lt;#C123|ops&gt; &lt;!subteam^S1&gt;"},
      {"<https://evil.example|click>", "&lt;https://evil.example|click&gt;"},
      {"&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"},
      {"ping @here and @Channel or @EVERYONE", "ping @" + kJ + "here and @" + kJ + "Channel or @" + kJ + "EVERYONE"},
      {"mail me at ops@example.com, @hereford", "mail me at ops@example.com, @" + kJ + "hereford"},
      {"*bold* _it_ ~s~ `code` > quote", "*bold* _it_ ~s~ `code` &gt; quote"},
      {"plain", "plain"},
  };
  for (const Case& c : cases) EXPECT_EQ(EscapeSlackText(c.input), c.expected) << c.input;
}

TEST(SlackEscapeTest, TruncatesWithoutSplittingEntitiesOrCharacters) {
  const std::string escaped = EscapeSlackText("abcd<efgh");  // "abcd&lt;efgh"
  EXPECT_EQ(TruncateSlackText(escaped, 100), escaped);
  // Room for 6 bytes + "…" would cut "&lt;" to "&l": the whole entity goes instead.
  EXPECT_EQ(TruncateSlackText(escaped, 9), "abcd\xe2\x80\xa6");
  const std::string wide = "\xc3\xa6\xc3\xa6\xc3\xa6";  // "æææ"
  EXPECT_EQ(TruncateSlackText(wide, 6), wide);
  EXPECT_EQ(TruncateSlackText(wide, 5), "\xc3\xa6\xe2\x80\xa6");
}

}  // namespace
}  // namespace vakt::notify::slack
