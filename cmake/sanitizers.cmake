# BLINDSPOT_SANITIZE: build everything (product, tests, bench) with sanitizers, e.g.
#   -DBLINDSPOT_SANITIZE=address,undefined   ASan + UBSan (leaks included)
#   -DBLINDSPOT_SANITIZE=thread              TSan
# Every finding is fatal: UBSan does not recover (-fno-sanitize-recover=all) and scripts/sanitize.sh
# runs the tests with halt_on_error=1. A sanitizer build compiles with line tables (-g1) for readable
# stacks, whatever CMAKE_BUILD_TYPE says: ASan + UBSan at -O0, whose compile takes 41% less CPU
# than at -O1 (six test files, 39.5 s against 67.5 s, bench/README.md) for slower tests in a phase
# that compiling dominates; TSan at -O1, as TSan slows unoptimised code most and builds little.
set(BLINDSPOT_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined or thread (empty: none)")

if(BLINDSPOT_SANITIZE)
  string(REPLACE "," ";" _blindspot_sanitizers "${BLINDSPOT_SANITIZE}")
  foreach(_sanitizer IN LISTS _blindspot_sanitizers)
    if(NOT _sanitizer MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "BLINDSPOT_SANITIZE: unknown sanitizer \"${_sanitizer}\" (use address,undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _blindspot_sanitizers AND "address" IN_LIST _blindspot_sanitizers)
    message(FATAL_ERROR "BLINDSPOT_SANITIZE: thread cannot be combined with address (use address,undefined or thread)")
  endif()
  # Directory-wide on purpose: every object and every link of the build must be instrumented.
  if("thread" IN_LIST _blindspot_sanitizers)
    set(_blindspot_sanitizer_level -O1)
  else()
    set(_blindspot_sanitizer_level -O0)
  endif()
  add_compile_options(-fsanitize=${BLINDSPOT_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer
                      ${_blindspot_sanitizer_level} -g1)
  add_link_options(-fsanitize=${BLINDSPOT_SANITIZE})
  message(STATUS "blindspot: sanitizers ${BLINDSPOT_SANITIZE} (${_blindspot_sanitizer_level} -g1)")
endif()
