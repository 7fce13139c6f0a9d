# Where `cmake --install` puts blindspot, the build folder's copy of its data files, and the .deb
# that CPack builds from the same install rules (docs/install.md).
include(GNUInstallDirs)

# The data files keep the source tree's layout (prompts/, config/prices.toml) under
# share/blindspot. core::data_file() finds that folder at run time by walking up from the
# executable or the Python extension, so nothing here bakes a path into the code.
set(BLINDSPOT_DATA_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/blindspot")

# The build folder gets the same share/blindspot, so build/blindspot, the test executables below
# build/ and build/python/ find their data by the same walk. Copies, not links: a build folder
# moved or mounted elsewhere keeps working. configure_file() recopies a changed file on the next
# build; the glob notices an added or removed prompt.
set(blindspot_build_data_dir "${PROJECT_BINARY_DIR}/share/blindspot")
file(GLOB blindspot_prompt_files CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/prompts/*")
file(REMOVE_RECURSE "${blindspot_build_data_dir}/prompts")  # so that a deleted prompt goes too
foreach(prompt IN LISTS blindspot_prompt_files)
  get_filename_component(name "${prompt}" NAME)
  configure_file("${prompt}" "${blindspot_build_data_dir}/prompts/${name}" COPYONLY)
endforeach()
configure_file("${PROJECT_SOURCE_DIR}/config/prices.toml" "${blindspot_build_data_dir}/config/prices.toml" COPYONLY)

install(TARGETS blindspot RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES ${blindspot_prompt_files} DESTINATION "${BLINDSPOT_DATA_INSTALL_DIR}/prompts")
install(FILES "${PROJECT_SOURCE_DIR}/config/prices.toml" DESTINATION "${BLINDSPOT_DATA_INSTALL_DIR}/config")
# README.md beside docs/, so that its links (docs/run.md, ...) work in share/doc/blindspot too.
file(GLOB blindspot_docs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/*.md")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(FILES ${blindspot_docs} DESTINATION "${CMAKE_INSTALL_DOCDIR}/docs")
foreach(notice LICENSE COPYING)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${notice}")
    install(FILES "${PROJECT_SOURCE_DIR}/${notice}" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
  endif()
endforeach()

# The .deb: `cpack -G DEB` in the build folder (scripts/setup.sh does it). Its Depends come from
# dpkg-shlibdeps, i.e. the Debian packages of the shared libraries the installed files link.
# CPack (and `make install`) would first build every target, all test suites included: packaging
# takes what was built (the install test depends on the targets it packages).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(BLINDSPOT_PACKAGE_MAINTAINER "blindspot maintainers <maintainers@users.noreply.r-seed-74458a5b.example>"
    CACHE STRING "Maintainer field of the .deb")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME blindspot)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${BLINDSPOT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find and fix the blind spots (confident misclassifications) of text classifiers")
set(CPACK_PACKAGE_DESCRIPTION
    "blindspot scans a text classifier for unknown unknowns (examples it gets wrong with high
confidence), groups them into blind spots, has a teacher (automatic, an LLM or human
annotators) write new training samples for them, retrains and measures the effect.
It trains fastText models itself or drives any model through a command or a server.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # blindspot_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# WordNet's database files for the attack recipe `wordnet` (its default --wordnet-dir).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "wordnet-base")
set(CPACK_STRIP_FILES ON)
if(BLINDSPOT_PYTHON)
  # The extension module (python/CMakeLists.txt installs it into dist-packages) does not link
  # libpython, so dpkg-shlibdeps cannot see that it needs the Python it was built for.
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  math(EXPR python_next_minor "${Python3_VERSION_MINOR} + 1")
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "python3 (>= ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}), python3 (<< ${Python3_VERSION_MAJOR}.${python_next_minor})")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "${CPACK_DEBIAN_PACKAGE_SUGGESTS}, python3-pandas")
endif()
include(CPack)
