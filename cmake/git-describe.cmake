# Writes OUT with `git describe` of SRC (run at every build, so that
# `vm --version` names the commit it was built from); rewrites the file
# only when the text changes, so nothing rebuilds needlessly.
execute_process(COMMAND git -C "${SRC}" describe --always --dirty --tags
                OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE result ERROR_QUIET)
if(NOT result EQUAL 0 OR describe STREQUAL "")
  set(describe "unknown (not built from a git checkout)")
endif()
set(text "#define VM_GIT_DESCRIBE \"${describe}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
