// The pure parts of the web app: active time, assignment, escaping, tokens.

#include "active_time.hpp"
#include "html.hpp"
#include "pages.hpp"
#include "tokens.hpp"
#include "web_fixture.hpp"

#include "blindspot/store/annotations.hpp"
#include "blindspot/web/assignment.hpp"
#include "blindspot/web/invitations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

using namespace blindspot;
using testing::HasSubstr;
using testing::Not;

TEST(ActiveTime, GapsAreCappedAtTheIdleCutoff) {
  EXPECT_DOUBLE_EQ(web::active_gap_seconds(100, 130, 300), 30);
  EXPECT_DOUBLE_EQ(web::active_gap_seconds(100, 500, 300), 300);
  EXPECT_DOUBLE_EQ(web::active_gap_seconds(100, 90, 300), 0);  // clock went backwards
  // Assigned at 0, page at 5, heartbeats at 65 and 125, away for 20 minutes, submitted at 1325:
  // 5 + 60 + 60 + 300 (not 1200) = 425.
  EXPECT_DOUBLE_EQ(web::active_seconds({0, 5, 65, 125, 1325}, 300), 425);
  EXPECT_DOUBLE_EQ(web::active_seconds({0, 5, 65, 125, 1325}, 60), 5 + 60 + 60 + 60);
  EXPECT_DOUBLE_EQ(web::active_seconds({42}, 300), 0);
  EXPECT_DOUBLE_EQ(web::active_seconds({}, 300), 0);
}

TEST(Html, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(web::escape_html("<b>\"Tom & Jerry's\"</b>"), "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;");
  EXPECT_EQ(web::escape_html("plain"), "plain");
  EXPECT_EQ(web::escape_html("br: <br />"), "br: &lt;br /&gt;");
}

TEST(Html, HighlightsMarkedWordsAndEscapesThem) {
  EXPECT_EQ(web::highlight_marked("a [[terible]] film"), "a <mark>terible</mark> film");
  EXPECT_EQ(web::highlight_marked("[[<b>]] & [[x\"]]"), "<mark>&lt;b&gt;</mark> &amp; <mark>x&quot;</mark>");
  EXPECT_EQ(web::highlight_marked("unclosed [[word <i>"), "unclosed [[word &lt;i&gt;");
  EXPECT_EQ(web::highlight_marked("no marks"), "no marks");
}

TEST(Tokens, RandomHexHashedAndComparedInConstantTime) {
  const std::string a = web::random_token(32);
  EXPECT_EQ(a.size(), 64U);
  EXPECT_THAT(a, testing::MatchesRegex("[0-9a-f]{64}"));
  EXPECT_NE(a, web::random_token(32));
  EXPECT_EQ(web::token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(web::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(web::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(web::constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(web::constant_time_equal("", "a"));
  std::set<std::string> codes;
  for (int i = 0; i < 100; ++i) codes.insert(web::completion_code());
  EXPECT_EQ(codes.size(), 100U);
  EXPECT_THAT(*codes.begin(), testing::MatchesRegex("BS-[2-9A-HJ-NP-Z]{10}"));
}

TEST(Invitations, TokensAreShownOnceAndStoredHashed) {
  test::CampaignStore c(test::synthetic_uus(2));
  const auto invitations = web::create_invitations(c.db, c.run, "crowd", 3);
  ASSERT_EQ(invitations.size(), 3U);
  EXPECT_EQ(invitations[1].name, "crowd-2");
  EXPECT_EQ(web::invitation_path(invitations[0].token), "/invite/" + invitations[0].token);
  const auto found = store::find_annotator_by_token(c.db, web::token_hash(invitations[2].token));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, invitations[2].annotator_id);
  EXPECT_EQ(
      c.count("SELECT count(*) FROM annotators WHERE token_sha256 LIKE '%' || '" + invitations[0].token + "' || '%'"),
      0);
  EXPECT_EQ(web::create_invitations(c.db, c.run, "", 1)[0].name,
            "annotator-" + std::to_string(invitations[2].annotator_id + 1));
  EXPECT_THAT(test::expect_error([&] { web::create_invitations(c.db, c.run + 9, "x", 1); }).what(),
              HasSubstr("no run"));
  EXPECT_EQ(test::expect_error([&] { web::create_invitations(c.db, c.run, "x", 0); }).kind(),
            core::ErrorKind::bad_input);
}

TEST(Assignment, PicksTheLeastCoveredUnseenUuInCampaignOrder) {
  using C = store::UuCoverage;
  EXPECT_EQ(web::pick_uu({C{"a", 0, 2, false}, C{"b", 1, 1, false}, C{"c", 2, 1, false}}, 3), 1U);
  EXPECT_EQ(web::pick_uu({C{"a", 0, 0, true}, C{"b", 1, 1, false}}, 3), 1U);             // never twice
  EXPECT_EQ(web::pick_uu({C{"a", 0, 3, false}, C{"b", 1, 2, false}}, 2), std::nullopt);  // full
  EXPECT_EQ(web::pick_uu({C{"b", 5, 0, false}, C{"a", 2, 0, false}}, 1), 1U);            // ties by position
  EXPECT_EQ(web::pick_uu({}, 3), std::nullopt);
}

namespace {

// Submits an annotator's open assignment as the web app would.
void submit(store::Database& db, store::AssignmentRecord assignment) {
  assignment.step = "done";
  assignment.submitted_at = "2026-01-01T00:00:00Z";
  store::update_assignment(db, assignment);
}

}  // namespace

TEST(Assignment, EachUuGoesToAtMostPerUuAnnotatorsAndNobodyTwice) {
  test::CampaignStore c(test::synthetic_uus(2));
  web::AssignmentPolicy policy;
  policy.per_uu = 2;
  policy.per_annotator = 0;
  std::vector<std::int64_t> annotators;
  for (int i = 0; i < 5; ++i) annotators.push_back(store::add_annotator(c.db, c.run, "a", "h" + std::to_string(i)));

  // Least covered first: a0 -> dev:0, a1 -> dev:1, a2 -> dev:0 (both at 1, position wins).
  auto n0 = web::next_assignment(c.db, c.run, annotators[0], policy, 100);
  auto n1 = web::next_assignment(c.db, c.run, annotators[1], policy, 100);
  auto n2 = web::next_assignment(c.db, c.run, annotators[2], policy, 100);
  EXPECT_EQ(n0.assignment->uu_id, "dev:0:natural");
  EXPECT_EQ(n1.assignment->uu_id, "dev:1:deepwordbug");
  EXPECT_EQ(n2.assignment->uu_id, "dev:0:natural");
  // Asking again returns the open assignment, not a new one.
  EXPECT_EQ(web::next_assignment(c.db, c.run, annotators[0], policy, 101).assignment->id, n0.assignment->id);
  auto n3 = web::next_assignment(c.db, c.run, annotators[3], policy, 100);
  EXPECT_EQ(n3.assignment->uu_id, "dev:1:deepwordbug");
  // Both UUs are at 2: nothing for the fifth annotator.
  auto n4 = web::next_assignment(c.db, c.run, annotators[4], policy, 100);
  EXPECT_FALSE(n4.assignment.has_value());
  EXPECT_FALSE(n4.work_left);

  // a0 submits and asks again: dev:1 is full and dev:0 already seen: nothing.
  submit(c.db, *n0.assignment);
  auto again = web::next_assignment(c.db, c.run, annotators[0], policy, 102);
  EXPECT_FALSE(again.assignment.has_value());
  EXPECT_EQ(again.submitted, 1);
  EXPECT_EQ(c.count("SELECT count(*) FROM assignments"), 4);
}

TEST(Assignment, IdleAssignmentsAreReleasedAfterTheTimeoutWithAnInjectedClock) {
  test::CampaignStore c(test::synthetic_uus(1));
  web::AssignmentPolicy policy;
  policy.per_uu = 1;
  policy.timeout_seconds = 600;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "ha");
  const auto bob = store::add_annotator(c.db, c.run, "bob", "hb");
  const auto first = web::next_assignment(c.db, c.run, ada, policy, 1000);
  ASSERT_TRUE(first.assignment.has_value());
  EXPECT_FALSE(web::next_assignment(c.db, c.run, bob, policy, 1599).assignment.has_value());  // 599 s idle
  const auto second = web::next_assignment(c.db, c.run, bob, policy, 1601);                   // 601 s idle
  ASSERT_TRUE(second.assignment.has_value());
  EXPECT_EQ(second.assignment->uu_id, first.assignment->uu_id);
  EXPECT_TRUE(store::find_assignment(c.db, first.assignment->id)->released_at.has_value());
  // Ada does not get it back, even after Bob's is released in turn.
  EXPECT_FALSE(web::next_assignment(c.db, c.run, ada, policy, 5000).assignment.has_value());
}

TEST(Assignment, QuotaStopsNewAssignments) {
  test::CampaignStore c(test::synthetic_uus(3));
  web::AssignmentPolicy policy;
  policy.per_annotator = 1;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "ha");
  submit(c.db, *web::next_assignment(c.db, c.run, ada, policy, 10).assignment);
  const auto next = web::next_assignment(c.db, c.run, ada, policy, 20);
  EXPECT_TRUE(next.quota_reached);
  EXPECT_FALSE(next.assignment.has_value());
  // Peeking creates nothing.
  const auto bob = store::add_annotator(c.db, c.run, "bob", "hb");
  const auto peek = web::next_assignment(c.db, c.run, bob, policy, 20, /*create=*/false);
  EXPECT_TRUE(peek.work_left);
  EXPECT_FALSE(peek.assignment.has_value());
  EXPECT_EQ(c.count("SELECT count(*) FROM assignments"), 1);
}

TEST(Invitations, LinksStartWithTheFlagElseTheServedAddressElseTheDefault) {
  test::CampaignStore c(test::synthetic_uus(2));
  auto base = web::invitation_base(c.db, c.run, "");
  EXPECT_EQ(base.url, "http://127.0.0.1:8080");
  EXPECT_EQ(base.source, web::InvitationBase::Source::fallback);
  store::set_campaign_serve_url(c.db, c.run, "http://127.0.0.1:18089");
  base = web::invitation_base(c.db, c.run, "");
  EXPECT_EQ(base.url, "http://127.0.0.1:18089");
  EXPECT_EQ(base.source, web::InvitationBase::Source::served);
  base = web::invitation_base(c.db, c.run, "https://annotate.example.org/");
  EXPECT_EQ(base.url, "https://annotate.example.org");
  EXPECT_EQ(base.source, web::InvitationBase::Source::flag);
  EXPECT_EQ(web::invitation_url(base.url, "ab12"), "https://annotate.example.org/invite/ab12");
  EXPECT_EQ(web::invitation_url("https://example.org/annotate/", "ab12"), "https://example.org/annotate/invite/ab12");
}

TEST(Invitations, ABaseUrlMustBeAWholeHttpAddress) {
  for (const char* bad : {"annotate.example.org", "ftp://example.org", "https://", "http://a b", ""}) {
    const auto error = test::expect_error([&] { web::normalized_base_url(bad); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage) << bad;
    EXPECT_THAT(error.what(), HasSubstr("--base-url \"" + std::string(bad) + "\": give the address")) << bad;
  }
  EXPECT_EQ(web::normalized_base_url("http://10.0.0.5:18089//"), "http://10.0.0.5:18089");
}

TEST(Pages, QuestionnaireNeverAppendsPunctuationToTheTaskDescription) {
  for (const std::string description : {"Is this review positive or negative?", "Sort SMS into ham and spam.",
                                        "label each text as one of: negative, positive"}) {
    const std::string page = web::pages::questionnaire("00ff", description);
    EXPECT_THAT(page, Not(HasSubstr("??"))) << description;
    EXPECT_THAT(page, Not(HasSubstr(".?"))) << description;
    EXPECT_THAT(page, HasSubstr("<strong id=\"task-description\">" + web::escape_html(description) + "</strong>"));
    EXPECT_THAT(page, HasSubstr("How familiar are you with this task, as described above?"));
  }
}
