// A C interface to Google's libphonenumber (Debian's libphonenumber-dev, C++): the numbering-plan
// data behind Gatehouse's phone-number detector, callable from Swift without C++ interoperability.
// The detector reads the plans once into tables (country codes, lengths, trunk prefixes) and asks
// `gatehouse_phone_is_valid` only about candidates whose shape alone is not convincing.
#ifndef GATEHOUSE_PHONE_H
#define GATEHOUSE_PHONE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The lengths a national significant number (the digits after the country code, without a
/// trunk prefix) can have under `country_code`, lengths dialled only locally left out: bit n set
/// for length n (1-31). 0 when no numbering plan has the code.
uint32_t gatehouse_phone_possible_lengths(int country_code);

/// The country calling code of a region (two upper-case ISO 3166 letters), 0 when unknown.
int gatehouse_phone_country_code(const char *region);

/// The region's national (trunk) prefix as digits ("0" for DE, "1" for US, "" for ES) into
/// `out` (NUL-terminated, at most `capacity` bytes with the NUL); returns its length.
size_t gatehouse_phone_national_prefix(const char *region, char *out, size_t capacity);

/// 1 when `digits` (ASCII digits only, `length` of them), dialled nationally in `region`, lie
/// in a range the region's plan allocates (libphonenumber's IsValidNumber), else 0.
/// Thread-safe; never logs (the digits are personal data).
int gatehouse_phone_is_valid(const char *digits, size_t length, const char *region);

#ifdef __cplusplus
}
#endif

#endif
