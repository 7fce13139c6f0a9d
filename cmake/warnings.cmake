# Warnings for our own code only, linked PRIVATE by every product and test target.
add_library(blindspot_warnings INTERFACE)
add_library(blindspot::warnings ALIAS blindspot_warnings)
target_compile_options(blindspot_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                    -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(BLINDSPOT_WARNINGS_AS_ERRORS)
  target_compile_options(blindspot_warnings INTERFACE -Werror)
endif()
# GCC 12 reports false -Wrestrict positives inside std::string concatenation at -O2/-O3
# (GCC bug 105329); they are noise, not findings.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(blindspot_warnings INTERFACE -Wno-restrict)
endif()
