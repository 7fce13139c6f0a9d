// The annotation web app over HTTP: an httplib client against a server on an ephemeral port.

#include "tokens.hpp"
#include "web_fixture.hpp"

#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using test::Browser;
using test::WebFixture;
using testing::HasSubstr;
using testing::Not;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields generation_fields() {
  return {{"text_1", "The plot was borring and the acting awfull."},
          {"label_1", "negative"},
          {"reasoning_1", "misspelt negative words"},
          {"text_2", "What a dissapointing sequel."},
          {"label_2", "negative"},
          {"reasoning_2", ""}};
}

// Opens an invitation and answers the questionnaire; the browser is then on its first task.
Browser signed_in(WebFixture& f, const std::string& name = "") {
  Browser browser(f.port);
  EXPECT_EQ(browser.open_invitation(f.invite(name)), 303);
  EXPECT_EQ(browser.answer_questionnaire(), 303);
  return browser;
}

}  // namespace

TEST(WebServer, WithoutSessionEveryAnnotatorPageIsRefused) {
  WebFixture f(test::synthetic_uus(3));
  Browser anonymous(f.port);
  for (const char* path : {"/task", "/questionnaire", "/done"}) {
    const auto res = anonymous.get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 403) << path;
    EXPECT_THAT(res->body, HasSubstr("Not signed in"));
    EXPECT_THAT(res->body, Not(HasSubstr("Review 0")));
  }
  const auto post = anonymous.post("/task/1/abstraction", {{"hypothesis", "x"}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  // A forged cookie is no session either.
  anonymous.cookie = "bs_session=" + std::string(64, 'a');
  EXPECT_EQ(anonymous.get("/task")->status, 403);
  // The instructions are public (no data on them).
  EXPECT_EQ(anonymous.get("/instructions")->status, 200);
  EXPECT_EQ(f.count("SELECT count(*) FROM assignments"), 0);
}

TEST(WebServer, InvitationStartsASessionAndTheThreeStepsAreStoredWithActiveTime) {
  web::ServerOptions options;
  options.idle_cutoff_seconds = 300;
  WebFixture f(test::synthetic_uus(3), options);
  Browser browser(f.port);
  const std::string token = f.invite("ada");
  const auto invite = browser.get("/invite/" + token);
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->status, 303);
  EXPECT_EQ(invite->get_header_value("Location"), "/instructions");
  const std::string set_cookie = invite->get_header_value("Set-Cookie");
  EXPECT_THAT(set_cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(set_cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(set_cookie, HasSubstr("Path=/"));
  EXPECT_THAT(set_cookie, Not(HasSubstr(token)));
  EXPECT_THAT(browser.get("/instructions")->body, HasSubstr("A worked example"));
  // The questionnaire comes first.
  const auto early = browser.get("/task");
  EXPECT_EQ(early->status, 303);
  EXPECT_EQ(early->get_header_value("Location"), "/questionnaire");
  EXPECT_EQ(browser.answer_questionnaire(), 303);

  // t = 0: the task opens (the assignment is made now).
  auto page = browser.get("/task");
  ASSERT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("Describe the blind spot"));
  EXPECT_THAT(page->body, HasSubstr("Review 0: not bad at all, but dull.&lt;br /&gt;&lt;br /&gt;Two stars."));
  EXPECT_THAT(page->body, HasSubstr("Task 1 of 3"));
  const auto id = browser.assignment_in_page();
  ASSERT_GT(id, 0);
  const std::string base = "/task/" + std::to_string(id);
  f.advance(30);  // 30 s writing the hypothesis
  EXPECT_EQ(
      browser.post(base + "/abstraction", {{"hypothesis", "negation is read as praise"}, {"reasoning", "not bad"}})
          ->status,
      303);
  f.advance(10);
  page = browser.get("/task");  // the extrapolation step, 10 s after the submission
  EXPECT_THAT(page->body, HasSubstr("negation is read as praise"));
  f.advance(360);  // away for 6 minutes: only the 5-minute cutoff counts
  EXPECT_EQ(browser.post(base + "/extrapolation", {{"hypothesis", "double negatives too"}})->status, 303);
  browser.get("/task");
  f.advance(60);
  EXPECT_EQ(browser.post(base + "/heartbeat", {})->status, 204);
  f.advance(40);
  EXPECT_EQ(browser.post(base + "/generation", generation_fields())->status, 303);

  const auto submissions = store::list_submissions(f.db, f.run);
  ASSERT_EQ(submissions.size(), 1U);
  const auto& s = submissions[0];
  EXPECT_EQ(s.uu_id, "dev:0:natural");
  EXPECT_EQ(s.abstraction, "negation is read as praise");
  EXPECT_EQ(s.abstraction_reasoning, "not bad");
  EXPECT_EQ(s.extrapolation, "double negatives too");
  EXPECT_DOUBLE_EQ(s.abstraction_seconds, 30);
  EXPECT_DOUBLE_EQ(s.extrapolation_seconds, 10 + 300);
  EXPECT_DOUBLE_EQ(s.generation_seconds, 60 + 40);
  EXPECT_DOUBLE_EQ(s.active_seconds, 440);
  const auto samples = nlohmann::json::parse(s.samples_json);
  ASSERT_EQ(samples.size(), 2U);
  EXPECT_EQ(samples[0]["text"], "The plot was borring and the acting awfull.");
  EXPECT_EQ(samples[1]["label"], "negative");
  const auto annotator = store::list_annotators(f.db, f.run).at(0);
  EXPECT_EQ(annotator.familiarity_json, R"({"version":"familiarity-v1","labelling":3,"task":4,"ml":2})");

  // The next task is another UU, the adversarial one with its changed word highlighted.
  page = browser.get("/task");
  EXPECT_THAT(page->body, HasSubstr("Task 2 of 3"));
  EXPECT_THAT(page->body, HasSubstr("Review 1: a <mark>terirble</mark> film."));
  EXPECT_THAT(page->body, HasSubstr("<code>terrible</code> &rarr; <code>terirble</code>"));
}

TEST(WebServer, EveryResponseCarriesTheSecurityHeaders) {
  WebFixture f(test::synthetic_uus(1));
  Browser browser(f.port);
  for (const char* path : {"/instructions", "/task", "/no-such-page", "/static/style.css"}) {
    const auto res = browser.get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->get_header_value("Content-Security-Policy"),
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY") << path;
  }
  EXPECT_EQ(browser.get("/no-such-page")->status, 404);
}

TEST(WebServer, BadOrMissingCsrfTokenIsRefusedAndNothingStored) {
  WebFixture f(test::synthetic_uus(2));
  Browser browser = signed_in(f);
  browser.get("/task");
  const std::string path = "/task/" + std::to_string(browser.assignment_in_page()) + "/abstraction";
  const std::string good = browser.csrf;
  ASSERT_EQ(good.size(), 64U);

  auto res = browser.post(path, {{"hypothesis", "h"}}, /*with_csrf=*/false);
  EXPECT_EQ(res->status, 403);
  EXPECT_THAT(res->body, HasSubstr("Request refused"));
  std::string wrong = good;
  wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
  EXPECT_EQ(browser.post(path, {{"hypothesis", "h"}, {"csrf", wrong}}, false)->status, 403);
  // The right token from another origin (a cross-site form) is refused too.
  browser.origin = "http://evil.example";
  EXPECT_EQ(browser.post(path, {{"hypothesis", "h"}})->status, 403);
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 0);
  // The questionnaire is a state-changing form as well.
  EXPECT_EQ(browser.post("/questionnaire", {{"labelling", "1"}, {"task", "1"}, {"ml", "1"}})->status, 403);

  browser.origin = "http://127.0.0.1:" + std::to_string(f.port);
  EXPECT_EQ(browser.post(path, {{"hypothesis", "h"}})->status, 303);
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 1);
}

TEST(WebServer, RevokedTokenStopsWorkingIncludingItsOpenSession) {
  WebFixture f(test::synthetic_uus(2));
  Browser browser(f.port);
  const std::string token = f.invite("ada");
  ASSERT_EQ(browser.open_invitation(token), 303);
  ASSERT_EQ(browser.answer_questionnaire(), 303);
  ASSERT_EQ(browser.get("/task")->status, 200);
  const auto id = browser.assignment_in_page();

  const auto annotator = store::find_annotator_by_token(f.db, web::token_hash(token));
  ASSERT_TRUE(annotator.has_value());
  ASSERT_TRUE(store::revoke_annotator(f.db, annotator->id));

  EXPECT_EQ(browser.get("/task")->status, 403);
  EXPECT_EQ(browser.post("/task/" + std::to_string(id) + "/abstraction", {{"hypothesis", "h"}})->status, 403);
  Browser again(f.port);
  const auto res = again.get("/invite/" + token);
  EXPECT_EQ(res->status, 403);
  EXPECT_THAT(res->body, HasSubstr("unknown or has been revoked"));
  EXPECT_EQ(res->get_header_value("Set-Cookie"), "");
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 0);
  EXPECT_EQ(again.open_invitation("deadbeef"), 403);
}

TEST(WebServer, OversizedBodyIs413) {
  web::ServerOptions options;
  options.max_body_bytes = 64 * 1024;
  WebFixture f(test::synthetic_uus(1), options);
  Browser browser = signed_in(f);
  browser.get("/task");
  const auto res = browser.post("/task/" + std::to_string(browser.assignment_in_page()) + "/abstraction",
                                {{"hypothesis", std::string(100 * 1024, 'x')}});
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  EXPECT_THAT(res->body, HasSubstr("Too large"));
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 0);
}

TEST(WebServer, FieldLimitsAndInvalidUtf8Are400AndNothingIsStored) {
  WebFixture f(test::synthetic_uus(1));
  Browser browser = signed_in(f);
  browser.get("/task");
  const std::string path = "/task/" + std::to_string(browser.assignment_in_page()) + "/abstraction";
  auto res = browser.post(path, {{"hypothesis", "caf\xC3 broken \xFF"}});
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("field &quot;hypothesis&quot;: is not valid UTF-8"));
  res = browser.post(path, {{"hypothesis", std::string(6001, 'x')}});
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("6001 bytes long; at most 6000"));
  EXPECT_EQ(browser.post(path, {{"hypothesis", "   "}})->status, 400);  // required
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 0);
  // A label outside the label set.
  ASSERT_EQ(browser.post(path, {{"hypothesis", "ok"}})->status, 303);
  browser.get("/task");
  ASSERT_EQ(
      browser
          .post("/task/" + std::to_string(browser.assignment_in_page()) + "/extrapolation", {{"hypothesis", "ok too"}})
          ->status,
      303);
  browser.get("/task");
  auto fields = generation_fields();
  fields[1].second = "neutral";
  res = browser.post("/task/" + std::to_string(browser.assignment_in_page()) + "/generation", fields);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("is not one of the labels (negative, positive)"));
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions WHERE submitted_at IS NOT NULL"), 0);
}

TEST(WebServer, TestSplitCampaignIsRefused) {
  test::CampaignStore campaign(test::synthetic_uus(1));
  // A campaign written around teach::create_campaign's guard: the server still refuses it.
  const auto run = store::begin_run(campaign.db, "scan", "{}", "{}");
  discover::Uu leaked = test::synthetic_uus(1)[0];
  leaked.id = "test:0:natural";
  store::create_campaign(campaign.db, {run, R"(["negative","positive"])", "{}", "", {}},
                         {{leaked.id, teach::uu_to_json(leaked)}});
  web::ServerOptions options;
  options.port = 0;
  const auto error = test::expect_error([&] { web::Server(campaign.file, run, options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("on the test split"));
  EXPECT_THAT(test::expect_error([&] { web::Server(campaign.file, run + 1, options); }).what(),
              HasSubstr("holds no annotation campaign"));
}

TEST(WebServer, AnotherAnnotatorsAssignmentIsNotReachable) {
  WebFixture f(test::synthetic_uus(3));
  Browser ada = signed_in(f, "ada");
  Browser bob = signed_in(f, "bob");
  ada.get("/task");
  const auto adas = ada.assignment_in_page();
  bob.get("/task");
  ASSERT_NE(bob.assignment_in_page(), adas);
  const auto res = bob.post("/task/" + std::to_string(adas) + "/abstraction", {{"hypothesis", "bob was here"}});
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(bob.post("/task/" + std::to_string(adas) + "/heartbeat", {})->status, 404);
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 0);
  // Bob's pages never show Ada's work.
  ASSERT_EQ(ada.post("/task/" + std::to_string(adas) + "/abstraction", {{"hypothesis", "ada's secret idea"}})->status,
            303);
  EXPECT_THAT(bob.get("/task")->body, Not(HasSubstr("ada's secret idea")));
}

TEST(WebServer, AFormPostedTwiceIsStoredOnce) {
  WebFixture f(test::synthetic_uus(2));
  Browser browser = signed_in(f);
  browser.get("/task");
  const std::string base = "/task/" + std::to_string(browser.assignment_in_page());
  EXPECT_EQ(browser.post(base + "/abstraction", {{"hypothesis", "first"}})->status, 303);
  EXPECT_EQ(browser.post(base + "/abstraction", {{"hypothesis", "second"}})->status, 303);
  EXPECT_EQ(browser.post(base + "/extrapolation", {{"hypothesis", "e"}})->status, 303);
  EXPECT_EQ(browser.post(base + "/generation", generation_fields())->status, 303);
  EXPECT_EQ(browser.post(base + "/generation", generation_fields())->status, 303);
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 1);
  EXPECT_EQ(f.count("SELECT count(*) FROM assignments WHERE submitted_at IS NOT NULL"), 1);
  EXPECT_EQ(store::list_submissions(f.db, f.run).at(0).abstraction, "first");
}

TEST(WebServer, QuotaLeadsToAStableCompletionCode) {
  web::ServerOptions options;
  options.assignment.per_annotator = 1;
  WebFixture f(test::synthetic_uus(3), options);
  Browser browser = signed_in(f);
  EXPECT_EQ(browser.get("/done")->status, 303);  // work is left
  browser.get("/task");
  const std::string base = "/task/" + std::to_string(browser.assignment_in_page());
  browser.post(base + "/abstraction", {{"hypothesis", "a"}});
  browser.post(base + "/extrapolation", {{"hypothesis", "e"}});
  browser.post(base + "/generation", generation_fields());
  const auto next = browser.get("/task");
  EXPECT_EQ(next->status, 303);
  EXPECT_EQ(next->get_header_value("Location"), "/done");
  const auto done = browser.get("/done");
  ASSERT_EQ(done->status, 200);
  const auto code = store::list_annotators(f.db, f.run).at(0).completion_code;
  ASSERT_TRUE(code.has_value());
  EXPECT_THAT(*code, testing::MatchesRegex("BS-[2-9A-HJ-NP-Z]{10}"));
  EXPECT_THAT(done->body, HasSubstr(*code));
  EXPECT_THAT(browser.get("/done")->body, HasSubstr(*code));
}

TEST(WebServer, DatasetMarkupIsEscapedOnTheTaskPage) {
  auto uus = test::synthetic_uus(1);
  uus[0].text = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>";
  WebFixture f(uus);
  Browser browser = signed_in(f);
  const auto page = browser.get("/task");
  ASSERT_EQ(page->status, 200);
  EXPECT_THAT(page->body, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(page->body, Not(HasSubstr("<img src=x")));
  EXPECT_THAT(page->body, Not(HasSubstr("<svg")));
  EXPECT_THAT(page->body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
                                    "&quot;&#39;&gt;&lt;svg onload=alert(3)&gt;"));
}

TEST(WebServer, AbandonedAssignmentIsReleasedAfterTheTimeout) {
  web::ServerOptions options;
  options.assignment.per_uu = 1;
  options.assignment.timeout_seconds = 1800;
  WebFixture f(test::synthetic_uus(1), options);
  Browser ada = signed_in(f, "ada");
  Browser bob = signed_in(f, "bob");
  ada.get("/task");
  const auto adas = ada.assignment_in_page();
  ASSERT_GT(adas, 0);
  EXPECT_EQ(bob.get("/task")->get_header_value("Location"), "/done");  // the only UU is taken
  f.advance(1801);
  ASSERT_EQ(bob.get("/task")->status, 200);  // released, now Bob's
  EXPECT_EQ(ada.post("/task/" + std::to_string(adas) + "/abstraction", {{"hypothesis", "late"}})->status, 409);
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions"), 0);
  // Ada never gets that UU again.
  EXPECT_EQ(ada.get("/task")->get_header_value("Location"), "/done");
}

TEST(WebServer, AFlaggedUuShowsTheLabelNoticeAndAsksForAVerdict) {
  auto uus = test::synthetic_uus(2);
  uus[0].label_issue = true;
  uus[0].label_quality = 0.03;
  web::ServerOptions options;
  options.assignment.per_annotator = 2;
  WebFixture f(uus, options);
  Browser browser = signed_in(f);
  auto page = browser.get("/task");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("<p class=\"notice\" id=\"label-issue\"><strong>The label may be wrong.</strong>"));
  EXPECT_THAT(page->body, HasSubstr("give that label a probability of 0.03"));
  EXPECT_THAT(page->body, HasSubstr("name=\"label_verdict\" id=\"label_verdict_wrong\" value=\"wrong\" required"));
  const std::string base = "/task/" + std::to_string(browser.assignment_in_page());
  auto post = browser.post(base + "/abstraction", {{"hypothesis", "the label is negative but reads positive"}});
  EXPECT_EQ(post->status, 400);
  EXPECT_THAT(post->body, HasSubstr("label_verdict"));
  browser.get("/task");
  post = browser.post(base + "/abstraction", {{"hypothesis", "h"}, {"label_verdict", "wrong"}});
  EXPECT_EQ(post->status, 303);
  EXPECT_EQ(store::list_submissions(f.db, f.run, true).at(0).label_verdict, "wrong");
  // The notice stays on the later steps; the verdict is asked once.
  page = browser.get("/task");
  EXPECT_THAT(page->body, HasSubstr("id=\"label-issue\""));
  EXPECT_THAT(page->body, Not(HasSubstr("name=\"label_verdict\"")));
}

TEST(WebServer, AnUnflaggedUuHasNoLabelNotice) {
  WebFixture f(test::synthetic_uus(1));
  Browser browser = signed_in(f);
  const auto page = browser.get("/task");
  EXPECT_THAT(page->body, Not(HasSubstr("label-issue")));
  EXPECT_THAT(page->body, Not(HasSubstr("label_verdict")));
}
