#pragma once

#include "blindspot/report/experiment_report.hpp"

#include <string>
#include <vector>

namespace blindspot::test {

// Texts an attacker (or just an IMDb review) could put into a report: markup, event handlers,
// quotes, ampersands, a CSS/SVG/table breakout, invalid UTF-8 and a control character.
inline const std::vector<std::string>& hostile_texts() {
  static const std::vector<std::string> texts = {
      "<script>alert(\"x\")</script>",      "<img src=x onerror=alert(1)>",        "\"double\" & 'single' &amp; quotes",
      "Great film.<br /><br />Not really.", "</style></svg></table></td><!-- ]]>", "pipe | and\nnewline",
  };
  return texts;
}

// A hand-built report: conditions none, auto and a hostile-named LLM condition over 3 seeds,
// every metric kind, reliability bins, histograms, costs (LLM priced and unpriced) and two
// blind spots whose texts are hostile_texts(), plus invalid UTF-8 and a control character.
report::ExperimentReport hostile_report();

}  // namespace blindspot::test
