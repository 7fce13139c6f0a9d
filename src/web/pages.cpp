#include "pages.hpp"

#include "html.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace blindspot::web::pages {
namespace {

std::string layout(const std::string& title, const std::string& body, const std::string& progress = {},
                   bool heartbeat = false, bool feedback = false) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         escape_html(title) +
         " - blindspot</title>"
         "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>"
         "<header><strong>blindspot annotation</strong><span id=\"progress\">" +
         escape_html(progress) + "</span></header><main>" + body + "</main>" +
         (heartbeat ? "<script src=\"/static/heartbeat.js\"></script>" : "") +
         (feedback ? "<script src=\"/static/feedback.js\"></script>" : "") + "</body></html>\n";
}

std::string progress_text(const Progress& progress) {
  if (progress.total > 0) {
    return fmt::format("Task {} of {}", std::min(progress.submitted + 1, progress.total), progress.total);
  }
  return fmt::format("{} tasks done", progress.submitted);
}

std::string csrf_field(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(csrf) + "\">";
}

std::string confidence_text(double confidence) {
  return fmt::format("{:.2f} ({:.0f} %)", confidence, confidence * 100);
}

// A UU that label-issue triage (`scan --label-issues`) flagged: its "true" label is probably a
// labelling error, so the model may be right. The annotator says what they think (verdict_fields).
std::string label_issue_notice(const discover::Uu& uu) {
  std::string html =
      "<p class=\"notice\" id=\"label-issue\"><strong>The label may be wrong.</strong> An automatic "
      "check suspects that this text's given label, <strong>" +
      escape_html(uu.true_label) + "</strong>, is a labelling mistake";
  if (uu.label_quality >= 0) {
    html += fmt::format(" (models trained without it give that label a probability of {:.2f})", uu.label_quality);
  }
  return html +
         ". If the label is wrong, the model may be right here. Please say below what you think, then "
         "describe what the model does as usual.</p>";
}

std::string uu_section(const discover::Uu& uu) {
  std::string html = "<section id=\"uu\" class=\"uu\">";
  if (uu.kind == discover::UuKind::adversarial) {
    html +=
        "<h2>A text the model gets wrong after small changes</h2>"
        "<p>The model labels the original text correctly as <strong>" +
        escape_html(uu.true_label) + "</strong>:</p><blockquote id=\"uu-original\">" + escape_html(uu.original_text) +
        "</blockquote>"
        "<p>After the highlighted changes it says <strong id=\"uu-predicted\">" +
        escape_html(uu.predicted_label) + "</strong> with confidence " + confidence_text(uu.confidence) +
        ", although the true label is still <strong id=\"uu-true\">" + escape_html(uu.true_label) +
        "</strong>:</p><blockquote id=\"uu-text\">" +
        (uu.marked_text.empty() ? escape_html(uu.text) : highlight_marked(uu.marked_text)) + "</blockquote>";
    if (!uu.edits.empty()) {
      html += "<p>Changes:</p><ul class=\"edits\">";
      for (const discover::UuEdit& edit : uu.edits) {
        html += "<li><code>" + escape_html(edit.original) + "</code> &rarr; <code>" + escape_html(edit.replacement) +
                "</code> (" + escape_html(edit.operation) + ")</li>";
      }
      html += "</ul>";
    }
  } else {
    html += "<h2>A text the model gets confidently wrong</h2><blockquote id=\"uu-text\">" + escape_html(uu.text) +
            "</blockquote><dl class=\"uu-facts\"><dt>True label</dt><dd id=\"uu-true\">" + escape_html(uu.true_label) +
            "</dd><dt>The model's label</dt><dd id=\"uu-predicted\">" + escape_html(uu.predicted_label) +
            "</dd><dt>The model's confidence</dt><dd>" + confidence_text(uu.confidence) + "</dd></dl>";
  }
  if (uu.label_issue) html += label_issue_notice(uu);
  return html + "</section>";
}

std::string steps_list(const std::string& step) {
  const auto item = [&](const char* name, const char* text) {
    return std::string("<li") + (step == name ? " class=\"current\"" : "") + ">" + text + "</li>";
  };
  return "<ol class=\"steps\">" + item("abstraction", "1. Describe the blind spot") +
         item("extrapolation", "2. Imagine a related one") + item("generation", "3. Write examples") + "</ol>";
}

std::string hypothesis_fields(const char* question, const char* hint) {
  return fmt::format(
      "<label for=\"hypothesis\">{}</label><p>{}</p>"
      "<textarea id=\"hypothesis\" name=\"hypothesis\" rows=\"4\" required maxlength=\"{}\"></textarea>"
      "<label for=\"reasoning\">Your reasoning (optional)</label>"
      "<textarea id=\"reasoning\" name=\"reasoning\" rows=\"3\" maxlength=\"{}\"></textarea>",
      question, hint, kMaxHypothesisChars, kMaxHypothesisChars);
}

// The annotator's verdict on a flagged UU's label, stored with the abstraction step
// (submission_flow.hpp: kLabelVerdicts).
std::string verdict_fields(const discover::Uu& uu) {
  std::string html = "<fieldset id=\"label-verdict\"><legend>Is the label <strong>" + escape_html(uu.true_label) +
                     "</strong> right for this text?</legend><div class=\"likert\">";
  const std::pair<const char*, const char*> choices[] = {
      {"right", "the label is right"}, {"wrong", "the label is wrong"}, {"unsure", "unsure"}};
  for (const auto& [value, text] : choices) {
    html += fmt::format(
        "<label><input type=\"radio\" name=\"label_verdict\" id=\"label_verdict_{0}\" value=\"{0}\" required> "
        "{1}</label>",
        value, text);
  }
  return html + "</div></fieldset>";
}

std::string label_options(const data::LabelSet& labels, const std::string& chosen) {
  std::string html = "<option value=\"\">choose a label</option>";
  for (const std::string& label : labels.names()) {
    html += "<option value=\"" + escape_html(label) + "\"" + (label == chosen ? " selected" : "") + ">" +
            escape_html(label) + "</option>";
  }
  return html;
}

// Sample n of the generation step, with what was typed before and, when the server has the
// campaign's model, a button that asks it (a form button, so it works without JavaScript;
// feedback.js turns it into a request that keeps the page).
std::string sample_fields(const TaskView& view, int n) {
  const std::size_t index = static_cast<std::size_t>(n - 1);
  const SampleDraft draft = index < view.drafts.size() ? view.drafts[index] : SampleDraft{};
  std::string feedback;
  if (view.model_feedback) {
    feedback = fmt::format(
        "<p class=\"feedback\"><button type=\"submit\" class=\"secondary\" id=\"score_{0}\" name=\"sample\" "
        "value=\"{0}\" formaction=\"/task/{1}/score\" formnovalidate data-score=\"{0}\">Ask the model</button> "
        "<output id=\"model_score_{0}\" for=\"text_{0}\">{2}</output></p>",
        n, view.assignment->id, escape_html(draft.score));
  }
  return fmt::format(
      "<fieldset><legend>Example {0}</legend>"
      "<label for=\"text_{0}\">Text</label>"
      "<textarea id=\"text_{0}\" name=\"text_{0}\" rows=\"4\" required maxlength=\"{1}\">{4}</textarea>{6}"
      "<label for=\"label_{0}\">Correct label</label>"
      "<select id=\"label_{0}\" name=\"label_{0}\" required>{2}</select>"
      "<label for=\"reasoning_{0}\">Why it exercises the blind spot (optional)</label>"
      "<textarea id=\"reasoning_{0}\" name=\"reasoning_{0}\" rows=\"2\" maxlength=\"{3}\">{5}</textarea>"
      "</fieldset>",
      n, kMaxSampleChars, label_options(*view.labels, draft.label), kMaxHypothesisChars, escape_html(draft.text),
      escape_html(draft.reasoning), feedback);
}

// From the campaign's own UUs or the owner's [worked_example] file (worked_example.hpp), never a
// fixed text: a spam or topic task would otherwise be shown a movie review.
std::string worked_example_section(const WorkedExample& example) {
  std::string html;
  if (!example.original_text.empty()) {
    html += "<p>The model reads this text correctly as <strong>" + escape_html(example.label) +
            "</strong>:</p><blockquote id=\"example-original\">" + escape_html(example.original_text) +
            "</blockquote><p>After small changes it gets this one wrong:</p>";
  } else {
    html += "<p>The model gets this text wrong:</p>";
  }
  html += "<blockquote id=\"example-text\">" + escape_html(example.text) +
          "</blockquote><dl class=\"uu-facts\"><dt>Correct label</dt><dd id=\"example-label\">" +
          escape_html(example.label) + "</dd>";
  if (!example.predicted_label.empty()) {
    html += "<dt>The model's label</dt><dd id=\"example-predicted\">" + escape_html(example.predicted_label);
    if (example.confidence >= 0) html += ", confidence " + confidence_text(example.confidence);
    html += "</dd>";
  }
  return html + "<dt>The blind spot</dt><dd id=\"example-explanation\">" + escape_html(example.explanation) +
         "</dd></dl>";
}

}  // namespace

std::string instructions(const std::string& task_description, const data::LabelSet& labels, int samples_per_uu,
                         const WorkedExample& example, bool signed_in, bool questionnaire_done) {
  std::string body =
      "<h1>Instructions</h1>"
      "<p>Thank you for helping. The task: <strong>" +
      escape_html(task_description) + "</strong> (labels: " + escape_html(labels.joined()) +
      ").</p>"
      "<p>A computer model does this task, and it is sometimes <em>confidently wrong</em>: it gives "
      "the wrong label and is sure of it. Such mistakes are not random; they come from "
      "<em>blind spots</em> such as misspelt key words, negation or sarcasm. You will see one such "
      "mistake per task and do three things:</p><ol>"
      "<li><strong>Describe the blind spot</strong>: a hypothesis, in one or two sentences, about what "
      "makes the model wrong on this text.</li>"
      "<li><strong>Imagine a related blind spot</strong> the model probably has too, which this text "
      "does not show.</li>"
      "<li><strong>Write " +
      std::to_string(samples_per_uu) +
      " new examples</strong> with their correct labels that would catch the model out in the same "
      "way, each with a short reason. Write them yourself; do not copy texts from elsewhere.</li></ol>"
      "<p>Your active time is measured on the server from when a task opens until you submit it; "
      "time away from the page (no activity for several minutes) is not counted. Please work "
      "through the tasks without long breaks.</p>"
      "<h2>A worked example</h2>" +
      worked_example_section(example);
  if (!signed_in) {
    body += "<p>Open the invitation link you were sent to start, then continue here.</p>";
  }
  body += std::string("<p><a class=\"button\" id=\"continue\" href=\"") +
          (questionnaire_done ? "/task" : "/questionnaire") + "\">Continue</a></p>";
  return layout("Instructions", body);
}

std::string questionnaire(const std::string& csrf, const std::string& task_description) {
  const auto likert = [](const char* name, const std::string& question, const char* low, const char* high) {
    std::string html = "<fieldset><legend>" + question + "</legend><div class=\"likert\">";
    for (int value = 1; value <= 5; ++value) {
      html +=
          fmt::format("<label><input type=\"radio\" name=\"{0}\" value=\"{1}\" required> {1}{2}</label>", name, value,
                      value == 1   ? std::string(" (") + low + ")"
                      : value == 5 ? std::string(" (") + high + ")"
                                   : "");
    }
    return html + "</div></fieldset>";
  };
  const std::string body =
      "<h1>Before you start</h1><p>Three short questions about your experience. They are stored with your "
      "work so that results can be compared across experience levels; they do not affect what you are paid.</p>"
      "<p>The task: <strong id=\"task-description\">" +
      escape_html(task_description) +
      "</strong></p>"
      "<form method=\"post\" action=\"/questionnaire\">" +
      csrf_field(csrf) +
      likert("labelling", "How much experience do you have labelling or annotating data?", "none", "a lot") +
      // The description is the owner's sentence, which may end in its own "?" or "."; the question
      // refers to it instead of appending punctuation to it ("positive or negative??").
      likert("task", "How familiar are you with this task, as described above?", "not at all", "very") +
      likert("ml", "How familiar are you with machine-learning models and their mistakes?", "not at all", "very") +
      "<button type=\"submit\">Start the tasks</button></form>";
  return layout("Questionnaire", body);
}

std::string task(const TaskView& view) {
  const store::AssignmentRecord& a = *view.assignment;
  const std::string base = "/task/" + std::to_string(a.id);
  std::string body;
  if (a.step == "abstraction") {
    body += "<h1>Describe the blind spot</h1>";
  } else if (a.step == "extrapolation") {
    body += "<h1>Imagine a related blind spot</h1>";
  } else {
    body += "<h1>Write examples</h1>";
  }
  body += steps_list(a.step) + uu_section(*view.uu);
  if (!view.notice.empty()) body += "<p class=\"notice\" id=\"notice\">" + escape_html(view.notice) + "</p>";
  body += "<form method=\"post\" action=\"" + base + "/" + a.step + "\" data-heartbeat=\"" + base + "/heartbeat\">" +
          csrf_field(view.csrf);
  if (a.step == "abstraction") {
    if (view.uu->label_issue) body += verdict_fields(*view.uu);
    body += hypothesis_fields("Why is the model confidently wrong here?",
                              "Describe the pattern, not this one text: what kind of input fools the model?");
  } else {
    body += "<p>Your blind spot:</p><p class=\"hypothesis\" id=\"your-abstraction\">" +
            escape_html(view.submission != nullptr ? view.submission->abstraction : "") + "</p>";
    if (a.step == "extrapolation") {
      body += hypothesis_fields("Which related blind spot, not shown by this text, might the model also have?",
                                "For example the same trick on other words, other labels or another kind of text.");
    } else {
      body += "<p>A related blind spot:</p><p class=\"hypothesis\" id=\"your-extrapolation\">" +
              escape_html(view.submission != nullptr ? view.submission->extrapolation : "") + "</p>";
      body += "<p>Write " + std::to_string(view.samples_per_uu) +
              " new texts that would fool the model in the same way as the blind spot you described, each with "
              "its correct label.</p>";
      for (int n = 1; n <= view.samples_per_uu; ++n) body += sample_fields(view, n);
    }
  }
  body += std::string("<button type=\"submit\" id=\"submit\">") +
          (a.step == "generation" ? "Submit this task" : "Continue") + "</button></form>";
  return layout("Task", body, progress_text(view.progress), /*heartbeat=*/true,
                view.model_feedback && a.step == "generation");
}

std::string done(const std::string& completion_code, std::int64_t submitted) {
  return layout("Thank you",
                "<h1>Thank you!</h1><p>You completed " + std::to_string(submitted) +
                    " tasks; there is nothing more to do.</p><p>Your completion code:</p>"
                    "<p><span class=\"code\" id=\"completion-code\">" +
                    escape_html(completion_code) +
                    "</span></p><p>Enter it on the platform that sent you here. You can close this page.</p>");
}

std::string message(const std::string& title, const std::string& text) {
  return layout(title, "<h1>" + escape_html(title) + "</h1><p>" + escape_html(text) + "</p>");
}

}  // namespace blindspot::web::pages
