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
endif()

# vakt_add_module(<name> SOURCES ... DEPS ...) builds src/<name>/ as vakt_<name> (alias vakt::<name>).
function(vakt_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vakt_${name} STATIC ${ARG_SOURCES})
  add_library(vakt::${name} ALIAS vakt_${name})
  target_include_directories(vakt_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(vakt_${name} PUBLIC ${ARG_DEPS} vakt_sanitizers
                                     PRIVATE ${ARG_PRIVATE_DEPS} vakt_warnings)
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
endif()

# vakt_add_test(<name> SOURCES ... DEPS ... [LABELS ...]) adds a GoogleTest binary whose tests ctest
# discovers one by one. Tests find fixtures through $VAKT_SOURCE_DIR, $VAKT_SHARED_DIR and
# $VAKT_BINARY_DIR.
function(vakt_add_test name)
  if(NOT VAKT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} vakt_test_main vakt_warnings
                                        vakt_sanitizers)
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${labels}")
endfunction()
