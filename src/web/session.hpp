#pragma once

// Private to the web module: sessions (cookie -> annotator), the CSRF check and the same-origin
// check of state-changing requests (docs/web.md, "Security model").

#include "app.hpp"

#include "blindspot/store/annotations.hpp"

#include <httplib.h>

#include <optional>
#include <string>

namespace blindspot::web {

inline constexpr const char* kSessionCookie = "bs_session";

struct Session {
  store::SessionRecord record;
  store::AnnotatorRecord annotator;
};

// The value of cookie `name` in the request's Cookie headers, if present.
std::optional<std::string> cookie_value(const httplib::Request& request, const std::string& name);

// The live session of the request's cookie whose annotator belongs to this campaign and is not
// revoked; nullopt otherwise.
std::optional<Session> current_session(App& app, const httplib::Request& request);

// Starts a session for `annotator_id`; returns the Set-Cookie value (HttpOnly, SameSite=Strict).
std::string start_session(App& app, store::Database& db, std::int64_t annotator_id);

// True if the request comes from one of our own pages: its Origin (or, without one, its Referer)
// names this host, and Sec-Fetch-Site, when sent, is "same-origin". Absent headers pass (older
// clients); the CSRF token is the main defence.
bool same_origin(const httplib::Request& request);

// The form field (or X-CSRF-Token header) matches the session's token, compared in constant time.
bool csrf_ok(const Session& session, const httplib::Request& request);

}  // namespace blindspot::web
