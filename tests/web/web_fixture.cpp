#include "web_fixture.hpp"

#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/web/invitations.hpp"

#include <regex>

namespace blindspot::test {

std::vector<discover::Uu> synthetic_uus(int count) {
  std::vector<discover::Uu> uus;
  for (int row = 0; row < count; ++row) {
    discover::Uu uu;
    uu.true_label = row % 4 < 2 ? "negative" : "positive";
    uu.predicted_label = uu.true_label == "negative" ? "positive" : "negative";
    uu.confidence = 0.7 + 0.01 * (row % 25);
    if (row % 2 == 0) {
      uu.id = "dev:" + std::to_string(row) + ":natural";
      uu.text = "Review " + std::to_string(row) + ": not bad at all, but dull.<br /><br />Two stars.";
    } else {
      uu.id = "dev:" + std::to_string(row) + ":deepwordbug";
      uu.kind = discover::UuKind::adversarial;
      uu.original_text = "Review " + std::to_string(row) + ": a terrible film.";
      uu.text = "Review " + std::to_string(row) + ": a terirble film.";
      uu.marked_text = "Review " + std::to_string(row) + ": a [[terirble]] film.";
      uu.edits = {{"terrible", "terirble", "swap"}};
    }
    uus.push_back(std::move(uu));
  }
  return uus;
}

std::shared_ptr<const model::Classifier> tiny_sentiment_model() {
  data::Split train;
  train.name = "train";
  train.labels = data::LabelSet({"negative", "positive"});
  const char* negative[] = {"a terrible boring film", "awful acting and a dull plot", "the worst movie, a waste",
                            "bad, boring and far too long"};
  const char* positive[] = {"a wonderful moving film", "great acting and a clever plot", "the best movie, a joy",
                            "good, funny and beautifully shot"};
  std::int64_t line = 2;
  for (int repeat = 0; repeat < 10; ++repeat) {
    for (const char* text : negative) train.examples.push_back({text, 0, line++});
    for (const char* text : positive) train.examples.push_back({text, 1, line++});
  }
  model::FastTextOptions options;
  options.dimension = 8;
  options.buckets = 1000;
  options.epochs = 20;
  auto model = std::make_shared<model::FastTextClassifier>(options);
  model->train(train, {});
  return model;
}

CampaignStore::CampaignStore(const std::vector<discover::Uu>& uus)
    : file(dir / "blindspot.db"), db(store::Database::open(file)) {
  run = store::begin_run(db, "scan", "{}", "{}");
  teach::create_campaign(db, {run, data::LabelSet({"negative", "positive"}), uus, R"({"test":true})"});
}

std::string CampaignStore::invite(const std::string& name) {
  return web::create_invitations(db, run, name, 1).at(0).token;
}

std::int64_t CampaignStore::count(const std::string& sql) {
  auto query = db.prepare(sql);
  query.step();
  return query.column_int64(0);
}

WebFixture::WebFixture(const std::vector<discover::Uu>& uus, web::ServerOptions options) : CampaignStore(uus) {
  options.port = 0;
  if (!options.clock) {
    auto shared_clock = clock;
    options.clock = [shared_clock] { return shared_clock->load(); };
  }
  server = std::make_unique<web::Server>(file, run, options);
  port = server->start();
}

WebFixture::~WebFixture() { server->stop(); }

Browser::Browser(int port) : client_("127.0.0.1", port) {
  client_.set_tcp_nodelay(true);
  client_.set_keep_alive(true);
  client_.set_read_timeout(30);
  origin = "http://127.0.0.1:" + std::to_string(port);
}

void Browser::remember(const httplib::Result& result) {
  if (!result) return;
  for (auto [it, end] = result->headers.equal_range("Set-Cookie"); it != end; ++it) {
    const std::string& value = it->second;
    cookie = value.substr(0, value.find(';'));
  }
  last_body = result->body;
  static const std::regex kCsrf(R"re(name="csrf" value="([0-9a-f]+)")re");
  std::smatch match;
  if (std::regex_search(last_body, match, kCsrf)) csrf = match[1];
}

httplib::Result Browser::get(const std::string& path) {
  httplib::Headers headers;
  if (!cookie.empty()) headers.emplace("Cookie", cookie);
  auto result = client_.Get(path.c_str(), headers);
  remember(result);
  return result;
}

httplib::Result Browser::post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                              bool with_csrf) {
  httplib::Headers headers{{"Origin", origin}};
  if (!cookie.empty()) headers.emplace("Cookie", cookie);
  if (!accept.empty()) headers.emplace("Accept", accept);
  httplib::Params params;
  if (with_csrf) params.emplace("csrf", csrf);
  for (auto& [name, value] : fields) params.emplace(std::move(name), std::move(value));
  auto result = client_.Post(path.c_str(), headers, params);
  remember(result);
  return result;
}

int Browser::open_invitation(const std::string& token) {
  auto result = get("/invite/" + token);
  return result ? result->status : -1;
}

int Browser::answer_questionnaire() {
  get("/questionnaire");
  auto result = post("/questionnaire", {{"labelling", "3"}, {"task", "4"}, {"ml", "2"}});
  return result ? result->status : -1;
}

std::int64_t Browser::assignment_in_page() const {
  static const std::regex kAction(R"re(action="/task/([0-9]+)/)re");
  std::smatch match;
  if (!std::regex_search(last_body, match, kAction)) return 0;
  return std::stoll(match[1]);
}

}  // namespace blindspot::test
