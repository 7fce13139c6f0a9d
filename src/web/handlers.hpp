#pragma once

// Private to the web module: the route table and its handlers (docs/web.md, "Pages").

#include "app.hpp"

#include <httplib.h>

namespace blindspot::web {

// Registers every route of the app on `server`; handlers turn errors into HTML pages.
void register_routes(httplib::Server& server, App& app);

// The error handler: an HTML page for a status that has no body yet (404, 413 from the payload
// limit, ...).
void render_error_page(const httplib::Request& request, httplib::Response& response);

}  // namespace blindspot::web
