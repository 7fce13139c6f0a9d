// Live model feedback (issue 14, item 5): an annotator asks the campaign's model how it reads a
// sample before submitting it; CSRF-protected, limited per session, recorded with the submission,
// and usable without JavaScript (the form button re-renders the page with the score).

#include "model_feedback.hpp"

#include "web_fixture.hpp"

#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/store/annotations.hpp"

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

const std::shared_ptr<const model::Classifier>& shared_model() {
  static const auto model = test::tiny_sentiment_model();
  return model;
}

web::ServerOptions with_model(int per_minute = 20) {
  web::ServerOptions options;
  options.model = shared_model();
  options.feedback_per_minute = per_minute;
  return options;
}

// Signs in and submits the first two steps; the browser is then on the generation step.
std::string on_generation_step(WebFixture& f, Browser& browser) {
  EXPECT_EQ(browser.open_invitation(f.invite()), 303);
  EXPECT_EQ(browser.answer_questionnaire(), 303);
  browser.get("/task");
  const std::string base = "/task/" + std::to_string(browser.assignment_in_page());
  EXPECT_EQ(browser.post(base + "/abstraction", {{"hypothesis", "misspelt words"}})->status, 303);
  browser.get("/task");
  EXPECT_EQ(browser.post(base + "/extrapolation", {{"hypothesis", "slang"}})->status, 303);
  browser.get("/task");
  return base;
}

}  // namespace

TEST(FeedbackLimiter, AllowsThePerMinuteNumberPerSessionThenSaysHowLongToWait) {
  web::FeedbackLimiter limiter(3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.admit("ada", 100 + i), std::nullopt);
  EXPECT_EQ(limiter.admit("ada", 110), 50);  // the first of the three leaves the window at 160
  EXPECT_EQ(limiter.admit("bob", 110), std::nullopt);
  EXPECT_EQ(limiter.admit("ada", 160.5), std::nullopt);
  EXPECT_EQ(limiter.admit("ada", 160.6), 1);
}

TEST(ModelFeedback, TheScoreIsTheModelsReadingOfTheTextAndIsRecorded) {
  WebFixture f(test::synthetic_uus(2), with_model());
  Browser browser(f.port);
  const std::string base = on_generation_step(f, browser);
  EXPECT_THAT(browser.last_body, HasSubstr("formaction=\"" + base + "/score\""));
  EXPECT_THAT(browser.last_body, HasSubstr("<script src=\"/static/feedback.js\"></script>"));
  browser.accept = "application/json";
  const std::string text = "an awfull and borring film";
  const auto res = browser.post(base + "/score", {{"sample", "1"}, {"text_1", text}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const auto reply = nlohmann::json::parse(res->body);
  const web::ModelScore expected = web::score_text(*shared_model(), text);
  EXPECT_EQ(reply.at("label"), expected.label);
  EXPECT_DOUBLE_EQ(reply.at("probability").get<double>(), expected.probability);
  EXPECT_EQ(reply.at("message"), web::score_sentence(expected));
  EXPECT_EQ(f.count("SELECT count(*) FROM model_feedback"), 1);
}

TEST(ModelFeedback, WithoutJavaScriptThePageComesBackWithTheTextsAndTheScore) {
  WebFixture f(test::synthetic_uus(2), with_model());
  Browser browser(f.port);
  const std::string base = on_generation_step(f, browser);
  const std::string text = "a <b>great</b> & clever film";
  const auto res = browser.post(base + "/score", {{"sample", "2"},
                                                  {"text_1", "still writing"},
                                                  {"label_1", "positive"},
                                                  {"reasoning_1", "r1"},
                                                  {"text_2", text},
                                                  {"label_2", ""}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const std::string sentence = web::score_sentence(web::score_text(*shared_model(), text));
  EXPECT_THAT(res->body, HasSubstr("<output id=\"model_score_2\" for=\"text_2\">" + sentence + "</output>"));
  EXPECT_THAT(res->body, HasSubstr("<output id=\"model_score_1\" for=\"text_1\"></output>"));
  EXPECT_THAT(res->body, HasSubstr(">a &lt;b&gt;great&lt;/b&gt; &amp; clever film</textarea>"));
  EXPECT_THAT(res->body, HasSubstr(">still writing</textarea>"));
  EXPECT_THAT(res->body, HasSubstr("<option value=\"positive\" selected>positive</option>"));
  EXPECT_THAT(res->body, HasSubstr(">r1</textarea>"));
  // The generation step is still open: nothing was submitted.
  EXPECT_EQ(f.count("SELECT count(*) FROM human_submissions WHERE submitted_at IS NOT NULL"), 0);
}

TEST(ModelFeedback, TheSubmissionKeepsTheLastScoreSeenForEachSampleText) {
  WebFixture f(test::synthetic_uus(2), with_model());
  Browser browser(f.port);
  const std::string base = on_generation_step(f, browser);
  browser.accept = "application/json";
  browser.post(base + "/score", {{"sample", "1"}, {"text_1", "a terrible film"}});
  browser.post(base + "/score", {{"sample", "1"}, {"text_1", "a terrible film, but great acting"}});
  browser.post(base + "/score", {{"sample", "2"}, {"text_2", "a draft the annotator then changed"}});
  browser.accept.clear();
  const auto res = browser.post(base + "/generation", {{"text_1", "a terrible film, but great acting"},
                                                       {"label_1", "negative"},
                                                       {"text_2", "the final text"},
                                                       {"label_2", "negative"}});
  EXPECT_EQ(res->status, 303);
  const auto samples = nlohmann::json::parse(store::list_submissions(f.db, f.run).at(0).samples_json);
  const auto seen = web::score_text(*shared_model(), "a terrible film, but great acting");
  EXPECT_EQ(samples[0]["model_label"], seen.label);
  EXPECT_DOUBLE_EQ(samples[0]["model_probability"].get<double>(), seen.probability);
  EXPECT_TRUE(samples[1]["model_label"].is_null());
  EXPECT_TRUE(samples[1]["model_probability"].is_null());
  // Every score is kept for the record.
  EXPECT_EQ(f.count("SELECT count(*) FROM model_feedback"), 3);
}

TEST(ModelFeedback, BeyondTheLimitASessionGets429WithAClearMessageUntilAMinutePassed) {
  WebFixture f(test::synthetic_uus(2), with_model(2));
  Browser browser(f.port);
  const std::string base = on_generation_step(f, browser);
  browser.accept = "application/json";
  for (int i = 0; i < 2; ++i) EXPECT_EQ(browser.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}})->status, 200);
  auto res = browser.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}});
  EXPECT_EQ(res->status, 429);
  EXPECT_THAT(nlohmann::json::parse(res->body).at("message").get<std::string>(),
              HasSubstr("You asked the model 2 times within a minute, which is the limit. Wait 60 s"));
  // Without JavaScript the page keeps the texts and says the same.
  browser.accept.clear();
  res = browser.post(base + "/score", {{"sample", "1"}, {"text_1", "kept text"}});
  EXPECT_EQ(res->status, 429);
  EXPECT_THAT(res->body, HasSubstr("<p class=\"notice\" id=\"notice\">You asked the model 2 times"));
  EXPECT_THAT(res->body, HasSubstr(">kept text</textarea>"));
  // Another annotator's session has its own allowance.
  Browser other(f.port);
  const std::string other_base = on_generation_step(f, other);
  other.accept = "application/json";
  EXPECT_EQ(other.post(other_base + "/score", {{"sample", "1"}, {"text_1", "x"}})->status, 200);
  f.advance(61);
  browser.accept = "application/json";
  EXPECT_EQ(browser.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}})->status, 200);
  EXPECT_EQ(f.count("SELECT count(*) FROM model_feedback"), 4);
}

TEST(ModelFeedback, ScoringNeedsTheCsrfTokenAndTheAnnotatorsOwnGenerationStep) {
  WebFixture f(test::synthetic_uus(2), with_model());
  Browser browser(f.port);
  const std::string base = on_generation_step(f, browser);
  browser.accept = "application/json";
  EXPECT_EQ(browser.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}}, /*with_csrf=*/false)->status, 403);
  EXPECT_EQ(browser.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}, {"csrf", "00"}}, false)->status, 403);
  EXPECT_EQ(browser.post(base + "/score", {{"sample", "1"}, {"text_1", ""}})->status, 400);
  EXPECT_EQ(browser.post(base + "/score", {{"sample", "3"}, {"text_1", "x"}})->status, 400);
  Browser other(f.port);
  EXPECT_EQ(other.open_invitation(f.invite()), 303);
  EXPECT_EQ(other.answer_questionnaire(), 303);
  other.get("/task");
  other.accept = "application/json";
  EXPECT_EQ(other.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}})->status, 404);
  EXPECT_EQ(f.count("SELECT count(*) FROM model_feedback"), 0);
}

TEST(ModelFeedback, WithoutAModelThereIsNoButtonAndNoScore) {
  WebFixture f(test::synthetic_uus(2));
  Browser browser(f.port);
  const std::string base = on_generation_step(f, browser);
  EXPECT_THAT(browser.last_body, HasSubstr("Write examples"));
  EXPECT_THAT(browser.last_body, Not(HasSubstr("Ask the model")));
  EXPECT_THAT(browser.last_body, Not(HasSubstr("feedback.js")));
  EXPECT_EQ(browser.post(base + "/score", {{"sample", "1"}, {"text_1", "x"}})->status, 404);
}

TEST(ModelFeedback, AModelWithOtherLabelsIsRefused) {
  test::CampaignStore c(test::synthetic_uus(1));
  web::ServerOptions options = with_model();
  options.port = 0;
  // The campaign's labels are negative/positive; a ham/spam model would score another task.
  data::Split train;
  train.labels = data::LabelSet({"ham", "spam"});
  for (int i = 0; i < 4; ++i) train.examples.push_back({i % 2 ? "win a prize now" : "see you at lunch", i % 2, i + 2});
  model::FastTextOptions fast;
  fast.dimension = 4;
  fast.buckets = 100;
  auto other = std::make_shared<model::FastTextClassifier>(fast);
  other->train(train, {});
  options.model = other;
  const auto error = test::expect_error([&] { web::Server server(c.file, c.run, options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("--model has the labels ham, spam, the campaign's are negative, positive"));
}
