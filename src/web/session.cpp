#include "session.hpp"

#include "tokens.hpp"

#include <cmath>

namespace blindspot::web {
namespace {

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::optional<std::string> cookie_value(const httplib::Request& request, const std::string& name) {
  const std::size_t count = request.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string header = request.get_header_value("Cookie", i);
    std::size_t pos = 0;
    while (pos <= header.size()) {
      const std::size_t end = std::min(header.find(';', pos), header.size());
      const std::string pair = trim(std::string_view(header).substr(pos, end - pos));
      const std::size_t equals = pair.find('=');
      if (equals != std::string::npos && pair.substr(0, equals) == name) return pair.substr(equals + 1);
      pos = end + 1;
    }
  }
  return std::nullopt;
}

std::optional<Session> current_session(App& app, const httplib::Request& request) {
  const auto token = cookie_value(request, kSessionCookie);
  // Our tokens are 64 hex digits; anything else cannot be one, so do not hash megabytes of junk.
  if (!token || token->size() != 64) return std::nullopt;
  std::optional<Session> session;
  app.read([&](store::Database& db) {
    auto record = store::find_live_session(db, token_hash(*token), app.now());
    if (!record) return;
    auto annotator = store::find_annotator(db, record->annotator_id);
    if (!annotator || annotator->revoked_at || annotator->run_id != app.campaign.run_id) return;
    session = Session{std::move(*record), std::move(*annotator)};
  });
  return session;
}

std::string start_session(App& app, store::Database& db, std::int64_t annotator_id) {
  const std::string token = random_token(32);
  const double lifetime = app.options.session_hours * 3600.0;
  store::create_session(db, {token_hash(token), annotator_id, random_token(32), app.now() + lifetime});
  // No Secure attribute: the app serves plain HTTP on loopback (browsers drop Secure cookies
  // there); behind a TLS proxy the proxy should add it. SameSite=Strict keeps the cookie off
  // every cross-site request, HttpOnly keeps it from scripts.
  return std::string(kSessionCookie) + "=" + token +
         "; Max-Age=" + std::to_string(static_cast<long long>(std::llround(lifetime))) +
         "; Path=/; HttpOnly; SameSite=Strict";
}

bool same_origin(const httplib::Request& request) {
  const std::string host = request.get_header_value("Host");
  if (request.has_header("Sec-Fetch-Site")) {
    const std::string site = request.get_header_value("Sec-Fetch-Site");
    if (site != "same-origin" && site != "none") return false;
  }
  const std::string expected = "http://" + host;
  if (request.has_header("Origin")) return !host.empty() && request.get_header_value("Origin") == expected;
  if (request.has_header("Referer")) {
    const std::string referer = request.get_header_value("Referer");
    return !host.empty() && referer.rfind(expected + "/", 0) == 0;
  }
  return true;
}

bool csrf_ok(const Session& session, const httplib::Request& request) {
  std::string sent = request.get_param_value("csrf");
  if (sent.empty()) sent = request.get_header_value("X-CSRF-Token");
  return !sent.empty() && constant_time_equal(sent, session.record.csrf_token);
}

}  // namespace blindspot::web
