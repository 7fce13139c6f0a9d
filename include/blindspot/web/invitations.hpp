#pragma once

#include "blindspot/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::web {

// An invited annotator and its token, which exists only here: the store keeps its SHA-256.
struct Invitation {
  std::int64_t annotator_id = 0;
  std::string name;
  std::string token;
};

// Adds `count` annotators to the campaign of `campaign_run` (which must exist as a run), named
// `name` (with "-1", "-2", ... when count > 1; default "annotator-<id>"). Throws Error{bad_input}
// if the run does not exist or count < 1.
std::vector<Invitation> create_invitations(store::Database& db, std::int64_t campaign_run, const std::string& name,
                                           int count);

// The path that opens an invitation: "/invite/<token>".
std::string invitation_path(const std::string& token);

// Links used before a campaign was ever served, when no --base-url is given.
inline constexpr const char* kDefaultBaseUrl = "http://127.0.0.1:8080";

// `url` without trailing slashes. Throws Error{usage} naming `flag` unless it starts with http://
// or https:// and names a host (the links are sent to people, who need a whole address).
std::string normalized_base_url(const std::string& url, const std::string& flag = "--base-url");

// Where the campaign's invitation links start, and why.
struct InvitationBase {
  enum class Source { flag, served, fallback };
  std::string url;
  Source source = Source::fallback;
};
// `flag_url` when given (normalised), else the address the campaign's last `serve` recorded, else
// kDefaultBaseUrl (the campaign was never served).
InvitationBase invitation_base(store::Database& db, std::int64_t campaign_run, const std::string& flag_url);

// "<base>/invite/<token>".
std::string invitation_url(const std::string& base_url, const std::string& token);

}  // namespace blindspot::web
