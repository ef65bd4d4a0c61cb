/* Shared definitions of the appui public headers. */
#ifndef APPUI_COMMON_H
#define APPUI_COMMON_H

#if defined(__GNUC__)
#define AP_API               __attribute__((visibility("default")))
#define AP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
/* A function that returns (a translation of) its format argument n. */
#define AP_FORMAT_ARG(n) __attribute__((format_arg(n)))
#else
#define AP_API
#define AP_PRINTF(fmt, args)
#define AP_FORMAT_ARG(n)
#endif

#endif
