#include "handlers.hpp"

#include "assets.hpp"
#include "form.hpp"
#include "model_feedback.hpp"
#include "pages.hpp"
#include "session.hpp"
#include "submission_flow.hpp"
#include "tokens.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/annotations.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace blindspot::web {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kHtml = "text/html; charset=utf-8";

void html(Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, kHtml);
}

void see_other(Response& res, const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
}

void refuse(Response& res, int status, const std::string& title, const std::string& text) {
  html(res, status, pages::message(title, text));
}

// The session of a page or form request, or a 403 page.
std::optional<Session> require_session(App& app, const Request& req, Response& res) {
  auto session = current_session(app, req);
  if (!session) {
    refuse(res, 403, "Not signed in",
           "This page needs a session. Open the invitation link you were sent (it may have been revoked, or "
           "your session may have expired).");
  }
  return session;
}

// Session, same origin and CSRF token of a state-changing request, or a 403 page.
std::optional<Session> require_form_session(App& app, const Request& req, Response& res) {
  auto session = require_session(app, req, res);
  if (!session) return session;
  if (!same_origin(req) || !csrf_ok(*session, req)) {
    refuse(res, 403, "Request refused",
           "The form did not come from this site's own page (missing or wrong security token). Reload the page "
           "and submit again.");
    return std::nullopt;
  }
  return session;
}

pages::Progress progress_of(const App& app, std::int64_t submitted) {
  const auto quota = app.options.assignment.per_annotator;
  const auto uus = static_cast<std::int64_t>(app.campaign.uus.size());
  return {submitted, quota > 0 ? std::min<std::int64_t>(quota, uus) : 0};
}

void handle_invite(App& app, const Request& req, Response& res) {
  const std::string token = req.matches[1];
  std::string cookie;
  bool refused = false;
  app.write([&](store::Database& db) {
    // Sessions are made here only, so this is where expired ones are cleared.
    store::delete_expired_sessions(db, app.now());
    const auto annotator = store::find_annotator_by_token(db, token_hash(token));
    if (!annotator || annotator->revoked_at || annotator->run_id != app.campaign.run_id) {
      refused = true;
      return;
    }
    cookie = start_session(app, db, annotator->id);
  });
  if (refused) {
    refuse(res, 403, "Invitation not valid",
           "This invitation link is unknown or has been revoked. Ask the person who invited you for a new one.");
    return;
  }
  res.set_header("Set-Cookie", cookie);
  // The redirect takes the token out of the address bar and history. /instructions needs no
  // session: a SameSite=Strict cookie is not sent on the redirect of a navigation that started on
  // another site (a link in a mail), only from the next click on our own page.
  see_other(res, "/instructions");
}

void handle_instructions(App& app, const Request& req, Response& res) {
  const auto session = current_session(app, req);
  html(res, 200,
       pages::instructions(app.options.task_description, app.campaign.labels, app.options.samples_per_uu,
                           *app.options.worked_example, session.has_value(),
                           session && session->annotator.familiarity_json.has_value()));
}

void handle_questionnaire_page(App& app, const Request& req, Response& res) {
  const auto session = require_session(app, req, res);
  if (!session) return;
  if (session->annotator.familiarity_json) return see_other(res, "/task");
  html(res, 200, pages::questionnaire(session->record.csrf_token, app.options.task_description));
}

void handle_questionnaire_post(App& app, const Request& req, Response& res) {
  const auto session = require_form_session(app, req, res);
  if (!session) return;
  const nlohmann::ordered_json answers = {{"version", "familiarity-v1"},
                                          {"labelling", form_int(req.params, "labelling", 1, 5)},
                                          {"task", form_int(req.params, "task", 1, 5)},
                                          {"ml", form_int(req.params, "ml", 1, 5)}};
  app.write([&](store::Database& db) { store::set_familiarity(db, session->annotator.id, answers.dump()); });
  see_other(res, "/task");
}

// The page of an assignment's current step; `submission` holds what earlier steps stored.
pages::TaskView task_view(const App& app, const Session& session, const store::AssignmentRecord& assignment,
                          const std::optional<store::SubmissionRecord>& submission, std::int64_t submitted) {
  const discover::Uu* uu = app.find_uu(assignment.uu_id);
  if (uu == nullptr) {
    throw core::Error(core::ErrorKind::internal, "assignment of a UU outside the campaign: " + assignment.uu_id);
  }
  pages::TaskView view;
  view.assignment = &assignment;
  view.uu = uu;
  view.submission = submission ? &*submission : nullptr;
  view.labels = &app.campaign.labels;
  view.samples_per_uu = app.options.samples_per_uu;
  view.csrf = session.record.csrf_token;
  view.progress = progress_of(app, submitted);
  view.model_feedback = app.options.model != nullptr;
  return view;
}

void handle_task_page(App& app, const Request& req, Response& res) {
  const auto session = require_session(app, req, res);
  if (!session) return;
  if (!session->annotator.familiarity_json) return see_other(res, "/questionnaire");
  NextAssignment next;
  std::optional<store::SubmissionRecord> submission;
  app.write([&](store::Database& db) {
    next = next_assignment(db, app.campaign.run_id, session->annotator.id, app.options.assignment, app.now());
    if (!next.assignment) return;
    see_assignment(*next.assignment, app.now(), app.options.idle_cutoff_seconds);
    store::update_assignment(db, *next.assignment);
    submission = store::find_submission(db, next.assignment->id);
  });
  if (!next.assignment) return see_other(res, "/done");
  html(res, 200, pages::task(task_view(app, *session, *next.assignment, submission, next.submitted)));
}

// The rules of a step's form for this server's campaign.
StepRules step_rules(const App& app) {
  StepRules rules;
  rules.labels = &app.campaign.labels;
  rules.samples_per_uu = app.options.samples_per_uu;
  rules.idle_cutoff_seconds = app.options.idle_cutoff_seconds;
  rules.label_issue_uus = &app.label_issue_uus;
  rules.model_feedback = app.options.model != nullptr;
  return rules;
}

// Read under the write lock, so the time is when the post's turn came, as for every event.
TaskPost task_post(App& app, const Request& req, const Session& session) {
  return {session.annotator.id, std::stoll(req.matches[1]), app.now()};
}

// Every post to an assignment gets its status and page here.
void respond(Response& res, const SubmitOutcome& outcome) {
  switch (outcome.status) {
    case SubmitStatus::invalid_field:
      return refuse(res, 400, "Please check your answer", outcome.message);
    case SubmitStatus::not_found:
      return refuse(res, 404, "Not found", "There is no such task for you.");
    case SubmitStatus::released:
      return refuse(res, 409, "Task released",
                    "This task was given back to the pool after a long time without activity, so your answer was "
                    "not stored. Continue with the next task at /task.");
    case SubmitStatus::heartbeat_seen:
    case SubmitStatus::scored:
      res.status = 204;
      return;
    case SubmitStatus::next_step:
    case SubmitStatus::task_done:
    case SubmitStatus::already_submitted:
      return see_other(res, "/task");
  }
}

void handle_task_post(App& app, const Request& req, Response& res) {
  const auto session = require_form_session(app, req, res);
  if (!session) return;
  const auto step = parse_task_step(req.matches[2].str());
  if (!step) throw core::Error(core::ErrorKind::internal, "no step " + req.matches[2].str());
  SubmitOutcome outcome;
  app.write([&](store::Database& db) {
    outcome = submit_step(db, task_post(app, req, *session), *step, req.params, step_rules(app));
  });
  respond(res, outcome);
}

void handle_heartbeat_post(App& app, const Request& req, Response& res) {
  const auto session = require_form_session(app, req, res);
  if (!session) return;
  SubmitOutcome outcome;
  app.write(
      [&](store::Database& db) { outcome = record_heartbeat(db, task_post(app, req, *session), step_rules(app)); });
  respond(res, outcome);
}

// ---- live model feedback (docs/web.md, "Live model feedback") ----

// What a score request produced: the status to answer with, and the score or the message.
struct FeedbackReply {
  int status = 200;
  int sample = 0;
  std::optional<ModelScore> score;
  std::string message;
};

// The request's sample text checked like the form's, the session's limit, then the model (outside
// the write lock: a remote model may take a while), then the score recorded with the assignment.
FeedbackReply score_sample(App& app, const Request& req, const Session& session) {
  FeedbackReply reply;
  reply.sample = form_int(req.params, "sample", 1, app.options.samples_per_uu);
  const std::string name = "text_" + std::to_string(reply.sample);
  const FormField text = read_field(req.params, name, pages::kMaxSampleChars * 3, true);
  if (text.problem)
    return {400, reply.sample, std::nullopt,
            "Write example " + std::to_string(reply.sample) + " first, then ask the model (" + *text.problem + ")"};
  if (const auto wait = app.feedback_limiter.admit(session.record.token_sha256, app.now())) {
    return {429, reply.sample, std::nullopt,
            fmt::format("You asked the model {} times within a minute, which is the limit. Wait {:.0f} s, then ask "
                        "again; your texts are kept.",
                        app.options.feedback_per_minute, *wait)};
  }
  try {
    reply.score = score_text(*app.options.model, text.value);
  } catch (const core::Error& error) {
    return {503, reply.sample, std::nullopt, std::string("The model could not score this text: ") + error.what()};
  }
  SubmitOutcome outcome;
  app.write([&](store::Database& db) {
    outcome = record_model_feedback(db, task_post(app, req, session), text.value, reply.score->label,
                                    reply.score->probability, step_rules(app));
  });
  if (outcome.status == SubmitStatus::not_found)
    return {404, reply.sample, std::nullopt, "There is no such task for you."};
  if (outcome.status == SubmitStatus::released) {
    return {409, reply.sample, std::nullopt, "This task was given back to the pool; continue at /task."};
  }
  if (outcome.status != SubmitStatus::scored)
    return {409, reply.sample, std::nullopt, "This task is past its examples."};
  reply.message = score_sentence(*reply.score);
  return reply;
}

// Without JavaScript the score button posts the whole form: the page comes back with what was
// typed and the score (or the reason there is none) beside the sample.
void render_feedback_page(App& app, const Request& req, Response& res, const Session& session,
                          const FeedbackReply& reply) {
  std::optional<store::AssignmentRecord> assignment;
  std::optional<store::SubmissionRecord> submission;
  std::int64_t submitted = 0;
  app.read([&](store::Database& db) {
    assignment = store::find_assignment(db, std::stoll(req.matches[1]));
    if (!assignment || assignment->annotator_id != session.annotator.id || assignment->step != "generation") return;
    submission = store::find_submission(db, assignment->id);
    submitted = store::count_submitted(db, session.annotator.id);
  });
  if (!assignment || assignment->annotator_id != session.annotator.id || assignment->step != "generation") {
    return refuse(res, reply.status == 200 ? 409 : reply.status, "Not scored", reply.message);
  }
  pages::TaskView view = task_view(app, session, *assignment, submission, submitted);
  for (int n = 1; n <= app.options.samples_per_uu; ++n) {
    const std::string suffix = "_" + std::to_string(n);
    view.drafts.push_back(
        {req.get_param_value(("text" + suffix).c_str()), req.get_param_value(("label" + suffix).c_str()),
         req.get_param_value(("reasoning" + suffix).c_str()), n == reply.sample && reply.score ? reply.message : ""});
  }
  if (!reply.score) view.notice = reply.message;
  html(res, reply.status, pages::task(view));
}

void handle_score_post(App& app, const Request& req, Response& res) {
  const auto session = require_form_session(app, req, res);
  if (!session) return;
  if (!app.options.model) return refuse(res, 404, "Not found", "This campaign was served without a model to ask.");
  const FeedbackReply reply = score_sample(app, req, *session);
  if (req.get_header_value("Accept").find("application/json") == std::string::npos) {
    return render_feedback_page(app, req, res, *session, reply);
  }
  nlohmann::ordered_json body = {{"sample", reply.sample}, {"message", reply.message}};
  if (reply.score) {
    body["label"] = reply.score->label;
    body["probability"] = reply.score->probability;
  }
  res.status = reply.status;
  res.set_content(body.dump(), "application/json");
}

void handle_done(App& app, const Request& req, Response& res) {
  const auto session = require_session(app, req, res);
  if (!session) return;
  NextAssignment next;
  std::string code;
  app.write([&](store::Database& db) {
    next = next_assignment(db, app.campaign.run_id, session->annotator.id, app.options.assignment, app.now(),
                           /*create=*/false);
    if (next.work_left && !next.quota_reached) return;
    code = store::finish_annotator(db, session->annotator.id, completion_code());
  });
  if (code.empty()) return see_other(res, "/task");
  html(res, 200, pages::done(code, next.submitted));
}

}  // namespace

void register_routes(httplib::Server& server, App& app) {
  const auto guarded = [&app](void (*handler)(App&, const Request&, Response&)) {
    return [&app, handler](const Request& req, Response& res) {
      try {
        handler(app, req, res);
      } catch (const core::Error& error) {
        if (error.kind() == core::ErrorKind::bad_input) {
          refuse(res, 400, "Please check your answer", error.what());
        } else {
          refuse(res, 500, "Server error", "The server could not complete this request. Please try again.");
        }
      } catch (const std::exception&) {
        refuse(res, 500, "Server error", "The server could not complete this request. Please try again.");
      }
    };
  };
  // The one route table of the app (docs/web.md).
  server.Get("/", [&app](const Request& req, Response& res) {
    see_other(res, current_session(app, req) ? "/task" : "/instructions");
  });
  server.Get(R"(/invite/([A-Za-z0-9]{1,128}))", guarded(handle_invite));
  server.Get("/instructions", guarded(handle_instructions));
  server.Get("/questionnaire", guarded(handle_questionnaire_page));
  server.Post("/questionnaire", guarded(handle_questionnaire_post));
  server.Get("/task", guarded(handle_task_page));
  server.Post(R"(/task/(\d{1,18})/(abstraction|extrapolation|generation))", guarded(handle_task_post));
  server.Post(R"(/task/(\d{1,18})/heartbeat)", guarded(handle_heartbeat_post));
  server.Post(R"(/task/(\d{1,18})/score)", guarded(handle_score_post));
  server.Get("/done", guarded(handle_done));
  // Browsers ask for it on every site; an empty answer keeps a 404 out of their consoles.
  server.Get("/favicon.ico", [](const Request&, Response& res) { res.status = 204; });
  server.Get("/static/style.css", [](const Request&, Response& res) {
    res.set_content(std::string(assets::kStyleCss), "text/css; charset=utf-8");
  });
  server.Get("/static/heartbeat.js", [](const Request&, Response& res) {
    res.set_content(std::string(assets::kHeartbeatJs), "text/javascript; charset=utf-8");
  });
  server.Get("/static/feedback.js", [](const Request&, Response& res) {
    res.set_content(std::string(assets::kFeedbackJs), "text/javascript; charset=utf-8");
  });
}

void render_error_page(const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty()) return;
  switch (res.status) {
    case 404:
      return refuse(res, 404, "Not found", "There is no such page.");
    case 413:
      return refuse(res, 413, "Too large", "The form is larger than this server accepts. Shorten your texts.");
    case 400:
      return refuse(res, 400, "Bad request", "The request could not be read.");
    default:
      return refuse(res, res.status, "Error " + std::to_string(res.status), "The request could not be completed.");
  }
}

}  // namespace blindspot::web
