/*
 * The reader's one internal entry point: ap_reader_read_file() that also
 * says which bytes it read, for the pool's workers (the store keeps a file
 * only when its bytes are the ones that were checked).
 */
#ifndef APPUI_READER_IMPL_H
#define APPUI_READER_IMPL_H

#include <stddef.h>

#include "appui/reader.h"
#include "digest.h"

/* As ap_reader_read_file(); when the file could be read (valid or not),
 * `sha256` gets the SHA-256 of its bytes and `*size` their number, else
 * sha256[0] is '\0'. */
int reader_read_file_hashed(ap_reader *r, const char *path, ap_case **out,
                            ap_diags *d, char sha256[AP_SHA256_HEX],
                            size_t *size);

#endif
