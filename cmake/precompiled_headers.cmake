# Precompiled headers for the heaviest third-party headers: CLI11 (the blindspot executable),
# GoogleTest, GoogleMock and nlohmann/json (every test suite reuses the one PCH of
# blindspot_test_support). bench/build_time.sh measures a clean build with and without them.
#
# Off by default when ccache is the compiler launcher: ccache cannot cache a compilation that uses
# a PCH without extra sloppiness settings, so PCH would turn every cache hit into a compile.
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache" OR "$ENV{CMAKE_CXX_COMPILER_LAUNCHER}" MATCHES "ccache")
  set(_blindspot_pch_default OFF)
else()
  set(_blindspot_pch_default ON)
endif()
option(BLINDSPOT_PRECOMPILED_HEADERS "Precompile CLI11, GoogleTest and nlohmann/json headers" ${_blindspot_pch_default})

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
