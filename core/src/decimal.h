/*
 * Decimals for the schema validator. The case file schema sets no
 * totalDigits on its decimals (xs:decimal, NonNegativeDecimal, Percent), so a
 * decimal of any number of digits is valid; libxml2 reads at most 24 digits
 * of one and calls a longer one "not a valid value of the atomic type
 * 'xs:decimal'". The reader hands the validator a decimal of fewer digits
 * that every bound the schema's facets can hold orders the same way, and
 * reads the value itself from the file's own digits.
 */
#ifndef APPUI_DECIMAL_H
#define APPUI_DECIMAL_H

#include <stddef.h>

/* Digits past which a decimal is shortened, and the most a shortened one
 * has: well under libxml2's 24. */
#define DECIMAL_MAX_DIGITS 20
/* Bytes of a shortened decimal, its NUL included. */
#define DECIMAL_SHORT_SIZE 32

/*
 * When `s` (`n` bytes, XML blanks around it allowed) is an xs:decimal with
 * more than DECIMAL_MAX_DIGITS digits (leading zeros of its integer part not
 * counted, as libxml2 counts), writes into `out` a decimal of at most
 * DECIMAL_MAX_DIGITS digits and returns 1. The shorter one has the same sign
 * and is equal to `s`, or lies strictly between the same two neighbours as
 * `s` among the numbers of at most 9 integer and 9 fraction digits: compared
 * with any such bound (the schema's are 0 and 100), both give the same
 * answer. Returns 0 when `s` is no decimal or is short enough: it is given to
 * the validator as it is.
 */
int decimal_shorten(const char *s, size_t n, char out[DECIMAL_SHORT_SIZE]);

#endif
