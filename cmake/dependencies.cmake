find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(CLI11 2.1 REQUIRED CONFIG)
find_package(tomlplusplus 3 REQUIRED CONFIG)
find_package(fmt 9 REQUIRED CONFIG)
pkg_check_modules(FASTTEXT REQUIRED IMPORTED_TARGET fasttext)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
# Debian builds cpp-httplib as a library with OpenSSL, zlib and brotli: only its pkg-config
# file carries the matching CPPHTTPLIB_*_SUPPORT defines, so always link through it.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# fastText's pkg-config file carries no version; record the Debian package's instead.
execute_process(COMMAND dpkg-query -W -f=\${Version} libfasttext-dev
                OUTPUT_VARIABLE BLINDSPOT_FASTTEXT_VERSION ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT BLINDSPOT_FASTTEXT_VERSION)
  set(BLINDSPOT_FASTTEXT_VERSION "unknown")
endif()
