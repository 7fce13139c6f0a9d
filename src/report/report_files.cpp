#include "blindspot/report/experiment_report.hpp"

namespace blindspot::report {

void write_report_files(const std::filesystem::path& folder, const ExperimentReport& report) {
  std::filesystem::create_directories(folder);
  write_html(folder / kReportFileNames[0], report);
  write_markdown(folder / kReportFileNames[1], report);
  write_json(folder / kReportFileNames[2], report);
}

}  // namespace blindspot::report
