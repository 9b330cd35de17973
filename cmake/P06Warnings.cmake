# Warnings are errors for our own code; generated code and third-party headers
# (included as SYSTEM) are exempt.
function(p06_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wnon-virtual-dtor
    -Wimplicit-fallthrough)
  if(P06_SANITIZE)
    # GCC 12 reports false "maybe uninitialized" inside libstdc++'s std::regex when
    # AddressSanitizer instruments it; the plain build keeps the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()
