// The task's steps over the store, without HTTP: what is stored, what comes next, what is refused.

#include "submission_flow.hpp"

#include "web_fixture.hpp"

#include "blindspot/store/annotations.hpp"
#include "blindspot/web/assignment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

using namespace blindspot;
using web::FormFields;
using web::SubmitStatus;
using web::TaskStep;

namespace {

constexpr double kStart = 1'000'000;

FormFields generation_fields() {
  return {{"text_1", "The plot was borring."},
          {"label_1", "negative"},
          {"reasoning_1", "misspelt negative words"},
          {"text_2", "What a dissapointing sequel."},
          {"label_2", "negative"}};
}

// A campaign of three UUs, annotator Ada on her first assignment (given at kStart), cutoff 300 s.
struct Flow {
  test::CampaignStore c{test::synthetic_uus(3)};
  data::LabelSet labels{{"negative", "positive"}};
  web::AssignmentPolicy policy;
  std::int64_t ada = store::add_annotator(c.db, c.run, "ada", "ha");
  store::AssignmentRecord assignment = *web::next_assignment(c.db, c.run, ada, policy, kStart).assignment;

  web::StepRules rules() const {
    web::StepRules rules;
    rules.labels = &labels;
    return rules;
  }
  web::SubmitOutcome submit(TaskStep step, const FormFields& fields, double at, std::int64_t annotator = 0) {
    const web::TaskPost post{annotator == 0 ? ada : annotator, assignment.id, at};
    return web::submit_step(c.db, post, step, fields, rules());
  }
  web::SubmitOutcome heartbeat(double at, std::int64_t annotator = 0) {
    return web::record_heartbeat(c.db, {annotator == 0 ? ada : annotator, assignment.id, at}, rules());
  }
  store::AssignmentRecord stored_assignment() { return *store::find_assignment(c.db, assignment.id); }
};

}  // namespace

TEST(TaskStep, NamesRoundTrip) {
  for (const TaskStep step : {TaskStep::abstraction, TaskStep::extrapolation, TaskStep::generation, TaskStep::done}) {
    EXPECT_EQ(web::parse_task_step(web::task_step_name(step)), step);
  }
  EXPECT_EQ(web::task_step_name(TaskStep::extrapolation), "extrapolation");
  EXPECT_FALSE(web::parse_task_step("heartbeat").has_value());
  EXPECT_FALSE(web::parse_task_step("Abstraction").has_value());
}

TEST(SubmissionFlow, StepsAreStoredInOrderWithTheirActiveTimeThenTheNextTaskComes) {
  Flow f;
  ASSERT_EQ(f.assignment.uu_id, "dev:0:natural");
  auto outcome = f.submit(TaskStep::abstraction, {{"hypothesis", "  misspelt negative words  "}}, kStart + 30);
  EXPECT_EQ(outcome.status, SubmitStatus::next_step);
  EXPECT_EQ(outcome.step, TaskStep::extrapolation);
  auto submission = store::find_submission(f.c.db, f.assignment.id);
  ASSERT_TRUE(submission.has_value());
  EXPECT_EQ(submission->abstraction, "misspelt negative words");
  EXPECT_EQ(submission->abstraction_reasoning, "");
  EXPECT_DOUBLE_EQ(submission->abstraction_seconds, 30);
  EXPECT_FALSE(submission->submitted_at.has_value());
  EXPECT_EQ(f.stored_assignment().step, "extrapolation");

  outcome = f.submit(TaskStep::extrapolation, {{"hypothesis", "negations"}, {"reasoning", "not bad"}}, kStart + 130);
  EXPECT_EQ(outcome.status, SubmitStatus::next_step);
  EXPECT_EQ(outcome.step, TaskStep::generation);
  // Away for 400 s: only the idle cutoff of the gap counts.
  outcome = f.submit(TaskStep::generation, generation_fields(), kStart + 530);
  EXPECT_EQ(outcome.status, SubmitStatus::task_done);
  EXPECT_EQ(outcome.step, TaskStep::done);
  EXPECT_EQ(outcome.message, "");

  submission = store::find_submission(f.c.db, f.assignment.id);
  EXPECT_EQ(submission->abstraction, "misspelt negative words");
  EXPECT_EQ(submission->extrapolation, "negations");
  EXPECT_EQ(submission->extrapolation_reasoning, "not bad");
  EXPECT_EQ(submission->samples_json,
            R"([{"text":"The plot was borring.","label":"negative","reasoning":"misspelt negative words"},)"
            R"({"text":"What a dissapointing sequel.","label":"negative","reasoning":""}])");
  EXPECT_DOUBLE_EQ(submission->extrapolation_seconds, 100);
  EXPECT_DOUBLE_EQ(submission->generation_seconds, 300);
  EXPECT_DOUBLE_EQ(submission->active_seconds, 430);
  ASSERT_TRUE(submission->submitted_at.has_value());
  const auto done = f.stored_assignment();
  EXPECT_EQ(done.step, "done");
  EXPECT_EQ(done.submitted_at, submission->submitted_at);
  EXPECT_DOUBLE_EQ(done.pending_seconds, 0);
  EXPECT_EQ(store::list_submissions(f.c.db, f.c.run).size(), 1U);

  // The next task is the next UU in campaign order, on its first step.
  const auto next = web::next_assignment(f.c.db, f.c.run, f.ada, f.policy, kStart + 540);
  ASSERT_TRUE(next.assignment.has_value());
  EXPECT_EQ(next.assignment->uu_id, "dev:1:deepwordbug");
  EXPECT_EQ(next.assignment->step, "abstraction");
  EXPECT_EQ(next.submitted, 1);
}

TEST(SubmissionFlow, InvalidFieldsAreNamedAndNothingIsStored) {
  Flow f;
  const auto invalid = [&](TaskStep step, const FormFields& fields) {
    const auto outcome = f.submit(step, fields, kStart + 10);
    EXPECT_EQ(outcome.status, SubmitStatus::invalid_field);
    return outcome.message;
  };
  EXPECT_EQ(invalid(TaskStep::abstraction, {}), "field \"hypothesis\": is required");
  EXPECT_EQ(invalid(TaskStep::abstraction, {{"hypothesis", " \t\n"}}), "field \"hypothesis\": is required");
  EXPECT_EQ(invalid(TaskStep::abstraction, {{"hypothesis", "a"}, {"hypothesis", "b"}}),
            "field \"hypothesis\": sent more than once");
  EXPECT_EQ(invalid(TaskStep::abstraction, {{"hypothesis", "caf\xC3 broken"}}),
            "field \"hypothesis\": is not valid UTF-8 (byte 3)");
  EXPECT_EQ(invalid(TaskStep::abstraction, {{"hypothesis", "ok"}, {"reasoning", std::string(6001, 'x')}}),
            "field \"reasoning\": is 6001 bytes long; at most 6000 are accepted");
  auto fields = generation_fields();
  fields.find("label_1")->second = "neutral";
  EXPECT_EQ(invalid(TaskStep::generation, fields),
            "field \"label_1\": \"neutral\" is not one of the labels (negative, positive)");
  fields = generation_fields();
  fields.erase("text_2");
  EXPECT_EQ(invalid(TaskStep::generation, fields), "field \"text_2\": is required");
  EXPECT_EQ(f.c.count("SELECT count(*) FROM human_submissions"), 0);
  const auto assignment = f.stored_assignment();
  EXPECT_EQ(assignment.step, "abstraction");
  EXPECT_DOUBLE_EQ(assignment.last_seen_unix, kStart);
}

TEST(SubmissionFlow, AStepPostedTwiceIsStoredOnce) {
  Flow f;
  EXPECT_EQ(f.submit(TaskStep::abstraction, {{"hypothesis", "first"}}, kStart + 10).status, SubmitStatus::next_step);
  const auto again = f.submit(TaskStep::abstraction, {{"hypothesis", "second"}}, kStart + 20);
  EXPECT_EQ(again.status, SubmitStatus::already_submitted);
  EXPECT_EQ(again.step, TaskStep::extrapolation);
  // A step ahead of the assignment's is not stored either.
  EXPECT_EQ(f.submit(TaskStep::generation, generation_fields(), kStart + 25).status, SubmitStatus::already_submitted);
  EXPECT_EQ(f.submit(TaskStep::extrapolation, {{"hypothesis", "e"}}, kStart + 30).status, SubmitStatus::next_step);
  EXPECT_EQ(f.submit(TaskStep::generation, generation_fields(), kStart + 40).status, SubmitStatus::task_done);
  const auto first_submitted = store::find_submission(f.c.db, f.assignment.id)->submitted_at;
  const auto late =
      f.submit(TaskStep::generation,
               {{"text_1", "x"}, {"label_1", "positive"}, {"text_2", "y"}, {"label_2", "positive"}}, kStart + 50);
  EXPECT_EQ(late.status, SubmitStatus::already_submitted);
  EXPECT_EQ(late.step, TaskStep::done);

  const auto submissions = store::list_submissions(f.c.db, f.c.run);
  ASSERT_EQ(submissions.size(), 1U);
  EXPECT_EQ(submissions[0].abstraction, "first");
  EXPECT_DOUBLE_EQ(submissions[0].abstraction_seconds, 10);
  EXPECT_THAT(submissions[0].samples_json, testing::HasSubstr("The plot was borring."));
  EXPECT_EQ(submissions[0].submitted_at, first_submitted);
  EXPECT_EQ(f.c.count("SELECT count(*) FROM assignments WHERE submitted_at IS NOT NULL"), 1);
}

TEST(SubmissionFlow, AnotherAnnotatorsAssignmentIsNotFound) {
  Flow f;
  const auto bob = store::add_annotator(f.c.db, f.c.run, "bob", "hb");
  const auto bobs = web::next_assignment(f.c.db, f.c.run, bob, f.policy, kStart).assignment;
  ASSERT_TRUE(bobs.has_value());
  ASSERT_NE(bobs->id, f.assignment.id);
  const auto refused = f.submit(TaskStep::abstraction, {{"hypothesis", "bob was here"}}, kStart + 10, bob);
  EXPECT_EQ(refused.status, SubmitStatus::not_found);
  EXPECT_EQ(f.heartbeat(kStart + 20, bob).status, SubmitStatus::not_found);
  // A missing assignment answers the same.
  const auto missing = web::submit_step(f.c.db, {f.ada, f.assignment.id + 100, kStart + 30}, TaskStep::abstraction,
                                        {{"hypothesis", "x"}}, f.rules());
  EXPECT_EQ(missing.status, SubmitStatus::not_found);
  EXPECT_EQ(f.c.count("SELECT count(*) FROM human_submissions"), 0);
  const auto adas = f.stored_assignment();
  EXPECT_EQ(adas.step, "abstraction");
  EXPECT_DOUBLE_EQ(adas.last_seen_unix, kStart);
  EXPECT_DOUBLE_EQ(adas.pending_seconds, 0);
}

TEST(SubmissionFlow, AReleasedAssignmentStoresNothing) {
  Flow f;
  f.policy.timeout_seconds = 600;
  const auto bob = store::add_annotator(f.c.db, f.c.run, "bob", "hb");
  // Bob asking for work after Ada's 601 idle seconds releases her assignment.
  ASSERT_TRUE(web::next_assignment(f.c.db, f.c.run, bob, f.policy, kStart + 601).assignment.has_value());
  const auto outcome = f.submit(TaskStep::abstraction, {{"hypothesis", "late"}}, kStart + 700);
  EXPECT_EQ(outcome.status, SubmitStatus::released);
  EXPECT_EQ(outcome.step, TaskStep::abstraction);
  EXPECT_EQ(f.heartbeat(kStart + 710).status, SubmitStatus::released);
  EXPECT_EQ(f.c.count("SELECT count(*) FROM human_submissions"), 0);
}

TEST(SubmissionFlow, HeartbeatsCountActiveTimeUntilTheTaskIsDone) {
  Flow f;
  EXPECT_EQ(f.heartbeat(kStart + 60).status, SubmitStatus::heartbeat_seen);
  auto assignment = f.stored_assignment();
  EXPECT_DOUBLE_EQ(assignment.pending_seconds, 60);
  EXPECT_DOUBLE_EQ(assignment.last_seen_unix, kStart + 60);
  EXPECT_EQ(f.c.count("SELECT count(*) FROM human_submissions"), 0);
  // Away for 20 minutes, then a heartbeat: the cutoff of the gap counts.
  EXPECT_EQ(f.heartbeat(kStart + 1260).status, SubmitStatus::heartbeat_seen);
  f.submit(TaskStep::abstraction, {{"hypothesis", "h"}}, kStart + 1290);
  EXPECT_DOUBLE_EQ(store::find_submission(f.c.db, f.assignment.id)->abstraction_seconds, 60 + 300 + 30);
  f.submit(TaskStep::extrapolation, {{"hypothesis", "e"}}, kStart + 1300);
  f.submit(TaskStep::generation, generation_fields(), kStart + 1310);
  // On a done task a heartbeat is answered but counts nothing.
  EXPECT_EQ(f.heartbeat(kStart + 1320).status, SubmitStatus::heartbeat_seen);
  assignment = f.stored_assignment();
  EXPECT_DOUBLE_EQ(assignment.pending_seconds, 0);
  EXPECT_DOUBLE_EQ(assignment.last_seen_unix, kStart + 1310);
  EXPECT_DOUBLE_EQ(store::find_submission(f.c.db, f.assignment.id)->active_seconds, 390 + 10 + 10);
}

TEST(SubmissionFlow, AFlaggedUuNeedsALabelVerdictWhichIsStoredWithTheAbstraction) {
  Flow f;
  const std::set<std::string> flagged = {f.assignment.uu_id};
  auto rules = f.rules();
  rules.label_issue_uus = &flagged;
  const web::TaskPost post{f.ada, f.assignment.id, kStart + 10};
  auto outcome = web::submit_step(f.c.db, post, TaskStep::abstraction, {{"hypothesis", "h"}}, rules);
  EXPECT_EQ(outcome.status, SubmitStatus::invalid_field);
  EXPECT_EQ(outcome.message, "field \"label_verdict\": is required: say whether the label is right, wrong or unsure");
  EXPECT_FALSE(store::find_submission(f.c.db, f.assignment.id).has_value());
  outcome =
      web::submit_step(f.c.db, post, TaskStep::abstraction, {{"hypothesis", "h"}, {"label_verdict", "maybe"}}, rules);
  EXPECT_EQ(outcome.status, SubmitStatus::invalid_field);
  EXPECT_EQ(outcome.message, "field \"label_verdict\": \"maybe\" is not one of right, wrong, unsure");
  outcome =
      web::submit_step(f.c.db, post, TaskStep::abstraction, {{"hypothesis", "h"}, {"label_verdict", "wrong"}}, rules);
  EXPECT_EQ(outcome.status, SubmitStatus::next_step);
  EXPECT_EQ(store::find_submission(f.c.db, f.assignment.id)->label_verdict, "wrong");
}

TEST(SubmissionFlow, AnUnflaggedUuStoresNoVerdictEvenIfOneIsSent) {
  Flow f;
  const auto outcome = f.submit(TaskStep::abstraction, {{"hypothesis", "h"}, {"label_verdict", "wrong"}}, kStart + 10);
  EXPECT_EQ(outcome.status, SubmitStatus::next_step);
  EXPECT_EQ(store::find_submission(f.c.db, f.assignment.id)->label_verdict, "");
}
