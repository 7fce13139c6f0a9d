#include "blindspot/loop/teachers.hpp"

#include "blindspot/augment/adversarial_training.hpp"
#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using loop::TeacherKind;
using ::testing::HasSubstr;

namespace {

TEST(TeacherKind, NamesRoundTripInTheDocumentedOrder) {
  std::vector<std::string> names;
  for (const TeacherKind kind : loop::teacher_kinds()) {
    names.emplace_back(loop::to_string(kind));
    EXPECT_EQ(loop::find_teacher_kind(names.back()), kind);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"none", "untargeted", "adversarial_training", "auto", "llm", "human", "import"}));
  EXPECT_EQ(loop::find_teacher_kind("automatic"), std::nullopt);
  EXPECT_EQ(loop::find_teacher_kind("Auto"), std::nullopt);
}

TEST(TeacherKind, ParseNamesTheOptionTheAllowedKindsAndTheClosestOne) {
  const std::vector<TeacherKind> allowed = {TeacherKind::automatic, TeacherKind::llm};
  EXPECT_EQ(loop::parse_teacher_kind("llm", "--teacher", allowed), TeacherKind::llm);
  const core::Error typo = test::expect_error([&] { loop::parse_teacher_kind("atuo", "--teacher", allowed); });
  EXPECT_EQ(typo.kind(), core::ErrorKind::usage);
  EXPECT_STREQ(typo.what(), "--teacher: unknown teacher \"atuo\" (auto, llm; did you mean \"auto\"?)");
  // A known kind that this option does not take is refused the same way.
  const core::Error other = test::expect_error([&] { loop::parse_teacher_kind("human", "--teacher", allowed); });
  EXPECT_STREQ(other.what(), "--teacher: unknown teacher \"human\" (auto, llm)");
}

TEST(TeacherKind, Versions) {
  EXPECT_EQ(loop::teacher_version(TeacherKind::automatic), teach::kAutoTeacherVersion);
  EXPECT_EQ(loop::teacher_version(TeacherKind::untargeted), augment::kUntargetedVersion);
  EXPECT_EQ(loop::teacher_version(TeacherKind::adversarial_training), augment::kAdversarialTrainingVersion);
  EXPECT_EQ(loop::teacher_version(TeacherKind::llm), "llm");
  EXPECT_EQ(loop::teacher_version(TeacherKind::import), "import");
}

}  // namespace
