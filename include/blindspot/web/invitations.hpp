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

}  // namespace blindspot::web
