# Precompiled headers for the heaviest third-party headers: CLI11 (the blindspot executable),
# GoogleTest, GoogleMock and nlohmann/json (every test suite reuses the one PCH of
# blindspot_test_support). bench/build_time.sh measures a clean build with and without them.
#
# Off by default: with GCC 12 at -O3 (the Release build) the PCH's include order lets a false
# -Wstringop-overflow in std::string's operator+ through (tests/cli/teach_cli_test.cpp:42, "bound
# ... exceeds maximum object size"), which -Werror (CI) turns into an error; without the PCH the
# same file compiles clean. scripts/sanitize.sh turns them on (-O1, no -Werror). Also leave them
# off under ccache, which cannot cache a compilation that uses a PCH without extra sloppiness.
option(BLINDSPOT_PRECOMPILED_HEADERS "Precompile CLI11, GoogleTest and nlohmann/json headers" OFF)

# blindspot_precompile_headers(TARGET HEADER...): TARGET precompiles the given <headers>.
function(blindspot_precompile_headers target)
  if(BLINDSPOT_PRECOMPILED_HEADERS)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# blindspot_reuse_precompiled_headers(TARGET FROM): TARGET uses FROM's PCH (same compile flags).
function(blindspot_reuse_precompiled_headers target from)
  if(BLINDSPOT_PRECOMPILED_HEADERS)
    target_precompile_headers(${target} REUSE_FROM ${from})
  endif()
endfunction()
