# BLINDSPOT_UNITY_BUILD: CMake's unity build, each target's sources compiled in batches of eight,
# so the heavy headers (nlohmann/json, cpp-httplib, GoogleTest, fmt, CLI11) are parsed once a batch
# instead of once a file. scripts/setup.sh and scripts/sanitize.sh turn it on: CI compiles the
# tree three times (release, ASan + UBSan, TSan), and the ASan build of every unit-test suite took
# 1793 s CPU file by file against 1089 s in batches (bench/README.md, "Build and test times").
# Off by default, so that an edit recompiles one file, not its batch.
option(BLINDSPOT_UNITY_BUILD "Compile sources in batches (CMake unity build; faster clean builds)" OFF)
if(BLINDSPOT_UNITY_BUILD)
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
  # GCC warns when a type of an anonymous namespace is used outside the main file, a header's
  # mistake; in a batch every source but the generated one is "outside", so it warns on each file
  # whose class has a member or base from its own anonymous namespace (SampleFilter::Impl, fixtures).
  add_compile_options(-Wno-subobject-linkage)
endif()

# Files compiled alone even in a unity build: each defines, in an anonymous namespace, a name that
# another file of its target also defines (a test's toy_split or kLabels, a clock helper), or
# declares a `using` that makes a name of a batch-mate ambiguous.
set(_blindspot_unity_alone
    cli/ui/table.cpp
    src/discover/attack/wordnet_recipe.cpp
    src/eval/effect_estimates.cpp
    src/loop/mitigation_loop.cpp
    src/report/markdown_report.cpp
    tests/augment/adversarial_training_test.cpp
    tests/cli/experiment_cli_test.cpp
    tests/discover/attack/greedy_search_test.cpp
    tests/discover/uu_scan_test.cpp
    tests/eval/baseline_check_test.cpp
    tests/eval/classification_metrics_test.cpp
    tests/group/blind_spots_test.cpp
    tests/llm/circuit_breaker_test.cpp
    tests/llm/client_breaker_test.cpp
    tests/llm/client_retry_test.cpp
    tests/model/fasttext_file_check_test.cpp
    tests/store/database_test.cpp
    tests/store/migrations_test.cpp
    tests/teach/auto_teacher_test.cpp
    tests/teach/llm_teacher_test.cpp
    tests/web/server_test.cpp)

# Called once every target exists: a source file property is looked up in the directory that made
# the target, so it is set in the file's own folder and in each folder above it with a CMakeLists.txt.
function(blindspot_compile_alone_in_unity_builds)
  if(NOT BLINDSPOT_UNITY_BUILD)
    return()
  endif()
  foreach(file IN LISTS _blindspot_unity_alone)
    get_filename_component(dir "${file}" DIRECTORY)
    while(dir)
      if(EXISTS "${PROJECT_SOURCE_DIR}/${dir}/CMakeLists.txt")
        set_source_files_properties("${PROJECT_SOURCE_DIR}/${file}" DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}"
                                    PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
      endif()
      get_filename_component(dir "${dir}" DIRECTORY)
    endwhile()
  endforeach()
endfunction()
