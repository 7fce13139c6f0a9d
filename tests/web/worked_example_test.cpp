// The instructions' worked example: taken from the campaign's own UUs or from the owner's
// [worked_example] file, never a fixed movie review (issue 14, item 6).

#include "blindspot/web/worked_example.hpp"

#include "html.hpp"
#include "web_fixture.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using testing::HasSubstr;
using testing::Not;

namespace {

const data::LabelSet kSpamLabels({"ham", "spam"});

// Natural UUs of sms-spam's dev split: its first rows, each read as the other label.
std::vector<discover::Uu> sms_spam_uus(int count) {
  const data::Split dev = data::read_split(test::shared_data("sms-spam") / "dev.csv", kSpamLabels);
  std::vector<discover::Uu> uus;
  for (int row = 0; row < count; ++row) {
    const data::Example& example = dev.examples.at(static_cast<std::size_t>(row));
    discover::Uu uu;
    uu.id = "dev:" + std::to_string(row) + ":natural";
    uu.text = example.text;
    uu.true_label = kSpamLabels.names().at(static_cast<std::size_t>(example.label));
    uu.predicted_label = uu.true_label == "ham" ? "spam" : "ham";
    uu.confidence = 0.8 + 0.05 * row;
    uus.push_back(std::move(uu));
  }
  return uus;
}

// A campaign store whose labels are sms-spam's (CampaignStore's are negative/positive).
struct SpamCampaign {
  test::TempDir dir;
  std::filesystem::path file = dir / "blindspot.db";
  std::int64_t run = 0;
  explicit SpamCampaign(const std::vector<discover::Uu>& uus) {
    auto db = store::Database::open(file);
    run = store::begin_run(db, "scan", "{}", "{}");
    teach::create_campaign(db, {run, kSpamLabels, uus, R"({"test":true})"});
  }
};

std::string instructions_page(const SpamCampaign& c, web::ServerOptions options = {}) {
  options.port = 0;
  web::Server server(c.file, c.run, options);
  const int port = server.start();
  test::Browser browser(port);
  const auto page = browser.get("/instructions");
  server.stop();
  EXPECT_TRUE(page);
  return page ? page->body : "";
}

}  // namespace

TEST(WorkedExample, FromTheCampaignPrefersTheMostConfidentAdversarialUuThatIsNoLabelError) {
  teach::Campaign campaign;
  campaign.uus = test::synthetic_uus(6);  // rows 1, 3, 5 adversarial, confidence 0.71, 0.73, 0.75
  campaign.uus[5].label_issue = true;
  const web::WorkedExample example = web::worked_example_from_campaign(campaign);
  EXPECT_EQ(example.text, campaign.uus[3].text);
  EXPECT_EQ(example.original_text, campaign.uus[3].original_text);
  EXPECT_EQ(example.label, "positive");
  EXPECT_EQ(example.predicted_label, "negative");
  EXPECT_DOUBLE_EQ(example.confidence, 0.73);
  EXPECT_THAT(example.explanation, HasSubstr("After \"terrible\" became \"terirble\" it says negative"));
}

TEST(WorkedExample, FromNaturalUusItIsTheMostConfidentOneWithItsLabels) {
  teach::Campaign campaign;
  campaign.uus = sms_spam_uus(3);
  const web::WorkedExample example = web::worked_example_from_campaign(campaign);
  EXPECT_EQ(example.text, campaign.uus[2].text);
  EXPECT_EQ(example.original_text, "");
  EXPECT_EQ(example.label, campaign.uus[2].true_label);
  EXPECT_THAT(example.explanation, HasSubstr("The correct label is " + campaign.uus[2].true_label +
                                             ", but the model says " + campaign.uus[2].predicted_label));
}

TEST(WorkedExample, ASmsSpamCampaignShowsItsOwnTextNotAMovieReview) {
  const auto uus = sms_spam_uus(3);
  const SpamCampaign c(uus);
  const std::string page = instructions_page(c);
  EXPECT_THAT(page, HasSubstr("<blockquote id=\"example-text\">" + web::escape_html(uus[2].text) + "</blockquote>"));
  EXPECT_THAT(page, HasSubstr("<dd id=\"example-label\">" + uus[2].true_label + "</dd>"));
  EXPECT_THAT(page, Not(HasSubstr("movie")));
  EXPECT_THAT(page, Not(HasSubstr("terrilbe")));
}

TEST(WorkedExample, TheOwnersFileIsShownInstead) {
  const SpamCampaign c(sms_spam_uus(2));
  const auto file = c.dir / "serve.toml";
  test::write_text(file,
                   "[worked_example]\n"
                   "text = \"WINNER!! Claim your <prize> now\"\n"
                   "label = \"spam\"\n"
                   "predicted_label = \"ham\"\n"
                   "confidence = 0.88\n"
                   "explanation = \"Shouting and prize words in an SMS that also names a friend\"\n");
  web::ServerOptions options;
  options.worked_example = web::read_worked_example(file, kSpamLabels);
  const std::string page = instructions_page(c, options);
  EXPECT_THAT(page, HasSubstr("WINNER!! Claim your &lt;prize&gt; now"));
  EXPECT_THAT(page, HasSubstr("<dd id=\"example-predicted\">ham, confidence 0.88 (88 %)</dd>"));
  EXPECT_THAT(page, HasSubstr("Shouting and prize words in an SMS that also names a friend"));
}

TEST(WorkedExample, AFileWithoutItsKeysOrWithAnotherTasksLabelIsRefusedNamingTheLine) {
  test::TempDir dir;
  const auto file = dir / "serve.toml";
  test::write_text(file, "[worked_example]\ntext = \"x\"\nlabel = \"spam\"\n");
  auto error = test::expect_error([&] { web::read_worked_example(file, kSpamLabels); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("[worked_example] needs explanation"));
  test::write_text(file, "[worked_example]\ntext = \"x\"\nexplanation = \"y\"\nlabel = \"positive\"\n");
  error = test::expect_error([&] { web::read_worked_example(file, kSpamLabels); });
  EXPECT_THAT(error.what(), HasSubstr(file.string() + ":4"));
  EXPECT_THAT(error.what(), HasSubstr("\"positive\" is not one of the task's labels (ham, spam)"));
  test::write_text(file, "[worked_example]\ntext = \"x\"\nexplanation = \"y\"\nlabel = \"ham\"\nlabels = 1\n");
  error = test::expect_error([&] { web::read_worked_example(file, kSpamLabels); });
  EXPECT_THAT(error.what(), HasSubstr("unknown key"));
  test::write_text(file, "text = \"x\"\n");
  error = test::expect_error([&] { web::read_worked_example(file, kSpamLabels); });
  EXPECT_THAT(error.what(), HasSubstr("needs a [worked_example] table"));
}
