#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover {

enum class UuKind { natural, adversarial };
const char* to_string(UuKind kind) noexcept;  // "natural", "adversarial"

// One word change of an adversarial UU.
struct UuEdit {
  std::string original;
  std::string replacement;
  std::string operation;  // "swap", "substitute", "delete", "insert", "synonym"
};

// A UU as the scan or the attack found it, as teachers and the grouping see it.
struct Uu {
  std::string id;             // stable across reruns: "<split>:<row>:natural" / "<split>:<row>:<recipe>"
  UuKind kind = UuKind::natural;
  std::string text;           // what the model misread (adversarial: the perturbed text)
  std::string original_text;  // adversarial: the unperturbed text; natural: empty
  std::string marked_text;    // adversarial: the perturbed text with changed words marked; natural: empty
  std::vector<UuEdit> edits;  // adversarial only
  std::string true_label;
  std::string predicted_label;
  double confidence = 0;      // probability of predicted_label
  int blind_spot = -1;        // the group it belongs to; -1 = not grouped
  // Label-issue triage (`scan --label-issues`, confident learning on out-of-sample probabilities):
  // true_label is probably wrong, so this is a labelling error rather than a blind spot, and it is
  // not taught unless the user asks (--teach-label-issues).
  bool label_issue = false;
  // The out-of-sample probability of true_label confident learning judged it by; < 0: not estimated.
  double label_quality = -1;
};

// The parts of a UU id "<split>:<row>:<kind>" (Uu::id; the kind is "natural" or the attack's
// recipe); nullopt for an id of another shape.
struct UuIdParts {
  std::string split;
  long long row = 0;
  std::string kind;
};
std::optional<UuIdParts> parse_uu_id(std::string_view id);

}  // namespace blindspot::discover
