// The libphonenumber calls behind gatehouse_phone.h. See that header for the contract.
#include "gatehouse_phone.h"

#include <string>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::NullLogger;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// The library's singleton, with a logger that drops everything: a parse failure's message can
// quote the number, which is personal data. A function-local static initialises once, safely.
const PhoneNumberUtil &phoneNumberUtil() {
    static PhoneNumberUtil *const util = [] {
        PhoneNumberUtil *instance = PhoneNumberUtil::GetInstance();
        instance->SetLogger(new NullLogger());
        return instance;
    }();
    return *util;
}

}  // namespace

extern "C" uint32_t gatehouse_phone_possible_lengths(int country_code) {
    const PhoneNumberUtil &util = phoneNumberUtil();
    std::string region;
    util.GetRegionCodeForCountryCode(country_code, &region);
    if (region == "ZZ") return 0;
    // The length alone decides (the plan's possible lengths), so a probe number of each length
    // answers for every number of that length. Lengths only dialled locally, without the area
    // code (IS_POSSIBLE_LOCAL_ONLY: US 555-1234), never follow a country code: they do not count.
    uint32_t lengths = 0;
    uint64_t probe = 1;
    for (int length = 1; length <= 17; length++, probe *= 10) {
        PhoneNumber number;
        number.set_country_code(country_code);
        number.set_national_number(probe);
        if (util.IsPossibleNumberWithReason(number) == PhoneNumberUtil::IS_POSSIBLE) lengths |= uint32_t(1) << length;
    }
    return lengths;
}

extern "C" int gatehouse_phone_country_code(const char *region) {
    return phoneNumberUtil().GetCountryCodeForRegion(std::string(region));
}

extern "C" size_t gatehouse_phone_national_prefix(const char *region, char *out, size_t capacity) {
    std::string prefix;
    phoneNumberUtil().GetNddPrefixForRegion(std::string(region), true, &prefix);
    if (capacity == 0) return 0;
    const size_t length = prefix.size() < capacity - 1 ? prefix.size() : capacity - 1;
    prefix.copy(out, length);
    out[length] = '\0';
    return length;
}

extern "C" int gatehouse_phone_is_valid(const char *digits, size_t length, const char *region) {
    const PhoneNumberUtil &util = phoneNumberUtil();
    const std::string regionCode(region);
    PhoneNumber number;
    if (util.Parse(std::string(digits, length), regionCode, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return 0;
    }
    // Parse also reads digits that happen to start with some country's code as international:
    // dialled nationally, the number must be the region's own.
    return number.country_code() == util.GetCountryCodeForRegion(regionCode) && util.IsValidNumberForRegion(number, regionCode) ? 1 : 0;
}
