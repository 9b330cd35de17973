# Warnings are errors for our own code; generated code and third-party headers
# (included as SYSTEM) are exempt.
function(p06_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wnon-virtual-dtor -Wimplicit-fallthrough)
endfunction()
