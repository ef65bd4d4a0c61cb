/* Shared definitions of the appui public headers. */
#ifndef APPUI_COMMON_H
#define APPUI_COMMON_H

#if defined(__GNUC__)
#define AP_API               __attribute__((visibility("default")))
#define AP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define AP_API
#define AP_PRINTF(fmt, args)
#endif

#endif
