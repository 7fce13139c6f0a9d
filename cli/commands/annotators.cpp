#include "../ui/table.hpp"
#include "commands.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/human_teacher.hpp"
#include "blindspot/web/invitations.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

namespace blindspot::cli {
namespace {

struct AnnotatorSettings {
  std::int64_t run = 0;
  std::string name;
  int count = 1;
  std::string base_url;  // empty: where the campaign was last served
  double hourly_wage_usd = 0;
  double platform_fee = 0;
  std::int64_t id = 0;
};

void add_annotators(Context& context, const AnnotatorSettings& settings) {
  const auto base = web::invitation_base(context.store(), settings.run, settings.base_url);
  const auto invitations = web::create_invitations(context.store(), settings.run, settings.name, settings.count);
  if (base.source == web::InvitationBase::Source::fallback) {
    std::cerr << fmt::format(
        "blindspot: note: run {} has not been served yet, so the links use {}; if annotators "
        "will open another address, add again with --base-url URL\n",
        settings.run, base.url);
  }
  if (context.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& i : invitations) {
      out.push_back({{"id", i.annotator_id},
                     {"name", i.name},
                     {"token", i.token},
                     {"url", web::invitation_url(base.url, i.token)}});
    }
    std::cout << out.dump(2) << '\n';
    return;
  }
  for (const auto& i : invitations) {
    std::cout << fmt::format("annotator {} ({}): {}\n", i.annotator_id, i.name, web::invitation_url(base.url, i.token));
  }
  std::cerr << "blindspot: note: the invitation links are shown only now (the store keeps their SHA-256); send each "
               "to one annotator\n";
}

std::string duration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
}

void list_annotators(Context& context, const AnnotatorSettings& settings) {
  auto& db = context.store();
  const auto annotators = store::list_annotators(db, settings.run);
  const auto cost = teach::human_campaign_cost(db, settings.run);
  std::map<std::int64_t, teach::AnnotatorTime> time;
  for (const auto& t : cost.by_annotator) time[t.annotator_id] = t;
  const auto status = [](const store::AnnotatorRecord& a) {
    return a.revoked_at ? "revoked" : a.finished_at ? "finished" : "invited";
  };
  const double usd = teach::human_cost_usd(cost.paid_active_seconds(), settings.hourly_wage_usd, settings.platform_fee);
  if (context.json) {
    nlohmann::ordered_json out = {{"campaign_run", settings.run}, {"annotators", nlohmann::ordered_json::array()}};
    for (const auto& a : annotators) {
      const auto& t = time[a.id];
      out["annotators"].push_back(
          {{"id", a.id},
           {"name", a.name},
           {"status", status(a)},
           {"created_at", a.created_at},
           {"familiarity",
            a.familiarity_json ? nlohmann::ordered_json::parse(*a.familiarity_json) : nlohmann::ordered_json(nullptr)},
           {"submissions", t.submissions},
           {"active_seconds", t.active_seconds},
           {"completion_code", a.completion_code ? nlohmann::ordered_json(*a.completion_code) : nullptr}});
    }
    out["submissions"] = cost.submissions;
    out["hypotheses"] = cost.hypotheses;
    out["samples"] = cost.samples;
    out["active_seconds"] = cost.active_seconds;
    out["incomplete_active_seconds"] = cost.incomplete_active_seconds;
    out["cost_usd"] = usd;
    std::cout << out.dump(2) << '\n';
    return;
  }
  if (annotators.empty()) {
    std::cout << fmt::format("no annotators for run {} (add some with `blindspot annotators add --run {}`)\n",
                             settings.run, settings.run);
    return;
  }
  ui::Table table({"id", "name", "status", "questionnaire", "submitted", "active time", "completion code"});
  for (const auto& a : annotators) {
    const auto& t = time[a.id];
    table.add_row({std::to_string(a.id), a.name, status(a), a.familiarity_json ? "answered" : "-",
                   std::to_string(t.submissions), duration(t.active_seconds), a.completion_code.value_or("-")});
  }
  std::cout << table.render();
  std::cout << fmt::format("{} submissions ({} hypotheses, {} samples), active time {} (+ {} on unfinished tasks)",
                           cost.submissions, cost.hypotheses, cost.samples, duration(cost.active_seconds),
                           duration(cost.incomplete_active_seconds));
  if (settings.hourly_wage_usd > 0) {
    std::cout << fmt::format(", ${:.2f} at ${:.2f}/h + {:.0f} % fee", usd, settings.hourly_wage_usd,
                             settings.platform_fee * 100);
  }
  std::cout << '\n';
}

void revoke_annotator(Context& context, const AnnotatorSettings& settings) {
  auto& db = context.store();
  const auto annotator = store::find_annotator(db, settings.id);
  if (!annotator) {
    throw core::Error(core::ErrorKind::bad_input, fmt::format("no annotator {} in {} (see `blindspot annotators "
                                                              "list --run RUN`)",
                                                              settings.id, db.file().string()));
  }
  const bool revoked = store::revoke_annotator(db, settings.id);
  if (context.json) {
    std::cout << nlohmann::json{{"id", settings.id}, {"revoked", true}, {"already_revoked", !revoked}}.dump() << '\n';
  } else {
    std::cout << fmt::format("annotator {} ({}) {}\n", settings.id, annotator->name,
                             revoked ? "revoked: its invitation and sessions no longer work" : "was already revoked");
  }
}

}  // namespace

void add_annotators_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<AnnotatorSettings>();
  CLI::App* command = app.add_subcommand("annotators", "Invite, list and revoke the annotators of a campaign");
  command->require_subcommand(1);
  CLI::App* add = command->add_subcommand("add", "Invite annotators: prints one invitation link each, once");
  add->add_option("--run", settings->run, "Campaign run (see `blindspot serve`)")->required();
  add->add_option("--name", settings->name, "Name or label of the annotator(s) (default annotator-<id>)");
  add->add_option("--count", settings->count, "How many invitations")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  add->add_option("--base-url,--url", settings->base_url,
                  "Address annotators open (e.g. https://annotate.example.org behind a proxy); default: the "
                  "address the campaign's `serve` runs at, else " +
                      std::string(web::kDefaultBaseUrl));
  CLI::App* list =
      command->add_subcommand("list", "Annotators with progress, questionnaire and active time (no tokens)");
  list->add_option("--run", settings->run, "Campaign run")->required();
  list->add_option("--hourly-wage-usd", settings->hourly_wage_usd, "Hourly wage, for the cost line")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  list->add_option("--platform-fee", settings->platform_fee, "Platform fee as a fraction of wages (0.2 = 20 %)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  CLI::App* revoke =
      command->add_subcommand("revoke", "Revoke an annotator: its invitation and open sessions stop working");
  revoke->add_option("id", settings->id, "Annotator id (see `annotators list`)")->required();
  context.define(
      command,
      [&context, settings, add, list] {
        if (add->parsed()) return add_annotators(context, *settings);
        if (list->parsed()) return list_annotators(context, *settings);
        revoke_annotator(context, *settings);
      },
      /*records_run=*/false);
}

}  // namespace blindspot::cli
