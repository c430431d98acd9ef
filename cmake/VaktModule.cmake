# Warnings live on an interface target, not globally, so third-party headers stay quiet.
add_library(vakt_warnings INTERFACE)
target_compile_options(vakt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Werror)
# g++ 12's flow-based warnings give false positives inside libstdc++ at -O2/-O3 (e.g. -Wrestrict on
# std::string operator+, GCC bug 105329). In optimised builds they stay warnings, so `./run` never
# fails on them; the dev preset that CI builds keeps every warning fatal.
target_compile_options(vakt_warnings INTERFACE
  $<$<CONFIG:Release,RelWithDebInfo>:-Wno-error=restrict -Wno-error=stringop-overflow
    -Wno-error=stringop-overread -Wno-error=maybe-uninitialized -Wno-error=array-bounds>)

add_library(vakt_sanitizers INTERFACE)
if(VAKT_SANITIZE)
  target_compile_options(vakt_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(vakt_sanitizers INTERFACE -fsanitize=address,undefined)
  # An -O0 sanitized binary carries ~200 MB of instrumentation data; as a PIE every pointer in it
  # is a dynamic relocation (~7 M) applied at each start, which doubled the start-up of every
  # test process (ctest runs each gtest case and each CLI call as its own process). The test
  # build links position-dependent; release binaries stay PIE.
  target_link_options(vakt_sanitizers INTERFACE -no-pie)
endif()

# Precompiled headers: nlohmann/json and the standard library make up most of each translation
# unit's parse time (about 2.5 s of a 5-7 s -O0 ASan compile), so one precompiled header is built
# once and reused by every module (and one with GoogleTest by every test). Reuse needs identical
# compile flags, which vakt_warnings and vakt_sanitizers already give every target; -Winvalid-pch
# turns a silently ignored header into a build error.
option(VAKT_PCH "Reuse one precompiled header across targets (on in the dev preset)" OFF)
set(vakt_pch_headers <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional>
    <string> <string_view> <utility> <variant> <vector> <nlohmann/json.hpp>)
if(VAKT_PCH)
  add_library(vakt_pch STATIC ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cc)
  target_link_libraries(vakt_pch PRIVATE nlohmann_json::nlohmann_json vakt_warnings vakt_sanitizers)
  target_precompile_headers(vakt_pch PRIVATE ${vakt_pch_headers})
  # -pthread defines _REENTRANT, which libstdc++ reads: every target compiles with it so that the
  # header built once matches all of them.
  target_compile_options(vakt_warnings INTERFACE -Winvalid-pch -pthread)
endif()

function(vakt_use_pch target)
  if(VAKT_PCH)
    target_precompile_headers(${target} REUSE_FROM ${ARGN})
  endif()
endfunction()

# vakt_add_module(<name> SOURCES ... DEPS ...) builds src/<name>/ as vakt_<name> (alias vakt::<name>).
function(vakt_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vakt_${name} STATIC ${ARG_SOURCES})
  add_library(vakt::${name} ALIAS vakt_${name})
  target_include_directories(vakt_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(vakt_${name} PUBLIC ${ARG_DEPS} vakt_sanitizers
                                     PRIVATE ${ARG_PRIVATE_DEPS} vakt_warnings)
  vakt_use_pch(vakt_${name} vakt_pch)
endfunction()

# vakt_test_main exports VAKT_SOURCE_DIR, VAKT_SHARED_DIR and VAKT_BINARY_DIR to every test
# (compiled in: ctest's ENVIRONMENT property cannot carry a list through gtest_discover_tests).
if(VAKT_BUILD_TESTS)
  get_filename_component(vakt_shared_dir ${PROJECT_SOURCE_DIR}/../shared ABSOLUTE)
  add_library(vakt_test_main STATIC ${PROJECT_SOURCE_DIR}/tests/support/test_main.cc)
  target_link_libraries(vakt_test_main PUBLIC GTest::gtest GTest::gmock)
  target_compile_definitions(vakt_test_main PRIVATE
    VAKT_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}"
    VAKT_SHARED_DIR_DEFAULT="${vakt_shared_dir}"
    VAKT_BINARY_DIR_DEFAULT="${PROJECT_BINARY_DIR}")
  target_link_libraries(vakt_test_main PUBLIC vakt_sanitizers)
  if(VAKT_PCH)
    add_library(vakt_test_pch STATIC ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cc)
    target_link_libraries(vakt_test_pch PRIVATE nlohmann_json::nlohmann_json GTest::gtest GTest::gmock
                                                vakt_warnings vakt_sanitizers)
    target_precompile_headers(vakt_test_pch PRIVATE ${vakt_pch_headers} <gtest/gtest.h>
                                                    <gmock/gmock.h>)
  endif()
endif()

# Each ctest test is one process. An -O0 ASan process takes 0.2-0.4 s to start and to run its leak
# check at exit, which was most of the unit tests' time when every GoogleTest case ran on its own
# (about 800 processes). By default a test binary is one ctest test and runs all its cases in one
# process (gtest still reports each case by name); VAKT_TEST_PER_CASE=ON registers every case
# separately, for `ctest -R Suite.Case` and per-case isolation.
option(VAKT_TEST_PER_CASE "Register every GoogleTest case as its own ctest test" OFF)

# vakt_add_test(<name> SOURCES ... DEPS ... [LABELS ...]) adds a GoogleTest binary (see
# VAKT_TEST_PER_CASE for how ctest runs it). Tests find fixtures through $VAKT_SOURCE_DIR,
# $VAKT_SHARED_DIR and $VAKT_BINARY_DIR.
function(vakt_add_test name)
  if(NOT VAKT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} vakt_test_main vakt_warnings
                                        vakt_sanitizers)
  vakt_use_pch(${name} vakt_test_pch)
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  if(VAKT_TEST_PER_CASE)
    gtest_discover_tests(${name}
      DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS "${labels}")
  else()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${labels}")
  endif()
endfunction()
