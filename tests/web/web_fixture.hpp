#pragma once

// A campaign in a fresh store, a server on an ephemeral loopback port and a minimal browser
// (cookies, CSRF token, Origin header) for the web suites.

#include "blindspot/model/classifier.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/teach/teaching.hpp"
#include "blindspot/web/server.hpp"
#include "support/test_support.hpp"

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace blindspot::test {

// `count` dev UUs, alternately natural and adversarial (DeepWordBug-like, one marked word).
std::vector<discover::Uu> synthetic_uus(int count);

// A small fastText model (labels negative, positive) trained in a fraction of a second on a few
// sentiment sentences: the campaign's model for live-feedback tests.
std::shared_ptr<const model::Classifier> tiny_sentiment_model();

// A store with one scan run holding a campaign of `uus` (labels negative, positive).
struct CampaignStore {
  explicit CampaignStore(const std::vector<discover::Uu>& uus);
  TempDir dir;
  std::filesystem::path file;
  std::int64_t run = 0;
  store::Database db;
  // A new annotator's invitation token.
  std::string invite(const std::string& name = "");
  std::int64_t count(const std::string& sql);
};

// A server on the campaign with an injectable clock (starts at 1,000,000 s) unless the options
// bring their own.
struct WebFixture : CampaignStore {
  explicit WebFixture(const std::vector<discover::Uu>& uus, web::ServerOptions options = {});
  ~WebFixture();
  std::shared_ptr<std::atomic<double>> clock = std::make_shared<std::atomic<double>>(1'000'000.0);
  std::unique_ptr<web::Server> server;
  int port = 0;
  void advance(double seconds) { clock->store(clock->load() + seconds); }
};

// Cookies and the last page's CSRF token, over one keep-alive connection; redirects not followed.
class Browser {
 public:
  explicit Browser(int port);
  httplib::Result get(const std::string& path);
  // Posts a form with the current CSRF token (unless the fields carry their own "csrf") and the
  // Origin of our pages.
  httplib::Result post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                       bool with_csrf = true);
  // GET /invite/<token>; returns its status.
  int open_invitation(const std::string& token);
  // Answers the questionnaire (GET, then POST); returns the POST's status.
  int answer_questionnaire();
  // The id of the assignment in the last task page's form action, or 0.
  std::int64_t assignment_in_page() const;

  std::string cookie;
  std::string csrf;
  std::string origin;
  std::string accept;  // sent as Accept on posts when not empty (the feedback script's JSON)
  std::string last_body;

 private:
  void remember(const httplib::Result& result);
  httplib::Client client_;
};

}  // namespace blindspot::test
