#include "blindspot/web/invitations.hpp"

#include "tokens.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"

namespace blindspot::web {

std::vector<Invitation> create_invitations(store::Database& db, std::int64_t campaign_run, const std::string& name,
                                           int count) {
  if (count < 1) throw core::Error(core::ErrorKind::bad_input, "--count must be at least 1");
  if (!store::find_run(db, campaign_run)) {
    throw core::Error(core::ErrorKind::bad_input, "no run " + std::to_string(campaign_run) + " in " +
                                                      db.file().string() + " (see `blindspot runs`)");
  }
  std::vector<Invitation> out;
  db.transaction([&] {
    for (int i = 1; i <= count; ++i) {
      Invitation invitation;
      invitation.token = random_token(32);
      invitation.name = name.empty() ? std::string() : (count > 1 ? name + "-" + std::to_string(i) : name);
      invitation.annotator_id = store::add_annotator(db, campaign_run, invitation.name, token_hash(invitation.token));
      if (invitation.name.empty()) {
        invitation.name = "annotator-" + std::to_string(invitation.annotator_id);
        db.prepare("UPDATE annotators SET name = ? WHERE id = ?")
            .bind(1, invitation.name)
            .bind(2, invitation.annotator_id)
            .run();
      }
      out.push_back(std::move(invitation));
    }
  });
  return out;
}

std::string invitation_path(const std::string& token) { return "/invite/" + token; }

std::string normalized_base_url(const std::string& url, const std::string& flag) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const auto scheme_end = base.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : base.substr(0, scheme_end);
  if ((scheme != "http" && scheme != "https") || base.size() == scheme_end + 3 ||
      base.find_first_of(" \t\r\n\"<>") != std::string::npos) {
    throw core::Error(core::ErrorKind::usage,
                      flag + " \"" + url +
                          "\": give the address annotators open, starting with http:// or https:// (for example "
                          "https://annotate.example.org)");
  }
  return base;
}

InvitationBase invitation_base(store::Database& db, std::int64_t campaign_run, const std::string& flag_url) {
  if (!flag_url.empty()) return {normalized_base_url(flag_url), InvitationBase::Source::flag};
  const auto campaign = store::find_campaign(db, campaign_run);
  if (campaign && campaign->serve_url) return {*campaign->serve_url, InvitationBase::Source::served};
  return {kDefaultBaseUrl, InvitationBase::Source::fallback};
}

std::string invitation_url(const std::string& base_url, const std::string& token) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + invitation_path(token);
}

}  // namespace blindspot::web
