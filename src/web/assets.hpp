#pragma once

// Private to the web module: the static files the pages load (the CSP allows only same-origin
// styles and scripts, so nothing is inline).

#include <string_view>

namespace blindspot::web::assets {

extern const std::string_view kStyleCss;
// Sends a heartbeat while the annotator is active on a task page (docs/web.md, "Active time").
extern const std::string_view kHeartbeatJs;
// Asks the campaign's model about a sample without leaving the page (docs/web.md, "Live model
// feedback"); without it the same button posts the form and the page comes back with the score.
extern const std::string_view kFeedbackJs;

}  // namespace blindspot::web::assets
