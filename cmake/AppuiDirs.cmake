# GNUInstallDirs' rule for the absolute form of an install directory, as a
# function of the prefix given, so that it can be applied at install time
# (`cmake --install build --prefix /usr` changes the prefix after configure)
# and so that core/cli/paths.c applies the same rule at run time:
#   prefix /       -> /etc, /var (other directories under /usr)
#   prefix /usr    -> /etc, /var
#   prefix /opt/X  -> /etc/opt/X, /var/opt/X
#   other prefixes -> PREFIX/etc, PREFIX/var
# KIND is SYSCONFDIR, LOCALSTATEDIR or anything else (an ordinary directory).
function(appui_full_dir out prefix rel kind)
  if(IS_ABSOLUTE "${rel}")
    set(${out} "${rel}" PARENT_SCOPE)
    return()
  endif()
  set(special OFF)
  if(kind STREQUAL "SYSCONFDIR" OR kind STREQUAL "LOCALSTATEDIR")
    set(special ON)
  endif()
  string(REGEX REPLACE "(.)/+$" "\\1" prefix "${prefix}")
  if(prefix STREQUAL "/")
    if(special OR rel MATCHES "^usr/")
      set(${out} "/${rel}" PARENT_SCOPE)
    else()
      set(${out} "/usr/${rel}" PARENT_SCOPE)
    endif()
  elseif(special AND prefix STREQUAL "/usr")
    set(${out} "/${rel}" PARENT_SCOPE)
  elseif(special AND prefix MATCHES "^/opt/" AND NOT prefix MATCHES "^/opt/homebrew/")
    set(${out} "/${rel}${prefix}" PARENT_SCOPE)
  else()
    set(${out} "${prefix}/${rel}" PARENT_SCOPE)
  endif()
endfunction()
