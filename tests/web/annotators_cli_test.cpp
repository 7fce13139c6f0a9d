// `blindspot serve` records where it serves, so `annotators add` in another process makes links
// that reach it (issue 14, item 6: `serve --port 18089` and links on 8080), through the executable.

#include "web_fixture.hpp"

#include "blindspot/store/annotations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using testing::HasSubstr;
using testing::StartsWith;

namespace {

std::string cli(const test::CampaignStore& c) {
  return "'" + test::blindspot_binary().string() + "' --workspace '" + c.dir.path().string() + "' ";
}

// Serves the campaign for a second and a half (then SIGTERM, which ends it normally); returns the
// JSON line it printed.
nlohmann::json serve_briefly(const test::CampaignStore& c, const std::string& flags) {
  const auto result = test::run_command("timeout --preserve-status -s TERM 1.5 " + cli(c) + "--json serve --run " +
                                        std::to_string(c.run) + " --port 0 " + flags);
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  return nlohmann::json::parse(result.output.substr(0, result.output.find('\n')));
}

std::vector<std::string> invitation_urls(const test::CampaignStore& c, const std::string& flags,
                                         std::string* errors = nullptr) {
  const auto result =
      test::run_command(cli(c) + "--json annotators add --run " + std::to_string(c.run) + " --count 2 " + flags);
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  if (errors != nullptr) *errors = result.errors;
  std::vector<std::string> urls;
  for (const auto& invitation : nlohmann::json::parse(result.output)) urls.push_back(invitation.at("url"));
  return urls;
}

}  // namespace

TEST(AnnotatorsCli, LinksUseTheAddressTheCampaignIsServedAt) {
  test::CampaignStore c(test::synthetic_uus(2));
  std::string note;
  EXPECT_THAT(invitation_urls(c, "", &note).at(0), StartsWith("http://127.0.0.1:8080/invite/"));
  EXPECT_THAT(note, HasSubstr("has not been served yet, so the links use http://127.0.0.1:8080"));

  const auto served = serve_briefly(c, "");
  const std::string url = served.at("url");
  EXPECT_THAT(url, testing::MatchesRegex(R"(http://127\.0\.0\.1:[0-9]+)"));
  EXPECT_NE(url, "http://127.0.0.1:8080");
  EXPECT_EQ(served.at("public_url"), url);
  EXPECT_EQ(store::find_campaign(c.db, c.run)->serve_url, url);
  for (const auto& link : invitation_urls(c, "", &note)) EXPECT_THAT(link, StartsWith(url + "/invite/"));
  EXPECT_EQ(note, "");
}

TEST(AnnotatorsCli, BaseUrlBehindAProxyIsRecordedByServeAndTakenByAdd) {
  test::CampaignStore c(test::synthetic_uus(2));
  const auto served = serve_briefly(c, "--base-url https://annotate.example.org/");
  EXPECT_EQ(served.at("public_url"), "https://annotate.example.org");
  EXPECT_THAT(invitation_urls(c, "").at(0), StartsWith("https://annotate.example.org/invite/"));
  // An explicit flag wins over the recorded address; --url is the old name of --base-url.
  EXPECT_THAT(invitation_urls(c, "--base-url http://10.0.0.5:18089").at(0),
              StartsWith("http://10.0.0.5:18089/invite/"));
  EXPECT_THAT(invitation_urls(c, "--url http://10.0.0.6").at(1), StartsWith("http://10.0.0.6/invite/"));
  const auto bad =
      test::run_command(cli(c) + "annotators add --run " + std::to_string(c.run) + " --base-url annotate.example.org");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.errors, HasSubstr("--base-url \"annotate.example.org\": give the address annotators open"));
}
