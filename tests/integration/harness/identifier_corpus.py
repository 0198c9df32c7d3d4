"""A deterministic, labelled corpus of personal identifiers and hard negatives, for measuring
the recall and false positives of Gatehouse's detectors (issue 17; bench/detector_recall.py,
test_detector_recall.py).

    from harness.identifier_corpus import build_corpus
    samples = build_corpus(seed=17, per_kind=100)

Each `Sample` records its kind (Gatehouse's detector names, docs/masking.md), locale, text, and
the exact identifier substring with its offset. Every identifier appears alone and inside a
sentence (en, de, nl, fr, es, it, pl templates). Hard negatives (order numbers, barcodes,
timestamps...) must come back unchanged.

Identifiers come from Faker where it has a provider whose output is deterministic for a seed and
valid by the issuer's rule; the others are made here from the official rules, each documented at
its generator. Every identifier is checked by `VALIDATORS` before it is used, so a Faker change
that breaks a rule fails here rather than skewing the figures.

Determinism: one `random.Random` and one reseeded Faker per (kind, locale), derived from the seed
with a stable hash, so adding a kind or locale does not change the others' samples. Faker's own
date-based providers (sv_SE/fi_FI/nl_BE ssn, pl_PL ssn) count ages back from today, so they
would change from day to day: birth dates are drawn here instead. The same seed gives the same
corpus for the same Faker version (install-deps.sh installs Faker from PyPI).
"""

import datetime
import ipaddress
import random
import re
import uuid
import zlib
from dataclasses import dataclass

from faker import Faker

DEFAULT_SEED = 17

CORE_LOCALES = ["en_US", "en_GB", "de_DE", "nl_NL", "es_ES", "fr_FR", "pl_PL", "it_IT"]
EXTRA_LOCALES = ["pt_PT", "sv_SE", "da_DK", "fi_FI", "de_AT", "nl_BE", "en_IE"]
ALL_LOCALES = CORE_LOCALES + EXTRA_LOCALES

# Sentence language per locale: the template languages are en, de, nl, fr, es, it, pl; the
# other locales' sentences are English (identifiers in English prose are common there too).
LANGUAGE = {"en_US": "en", "en_GB": "en", "en_IE": "en", "de_DE": "de", "de_AT": "de", "nl_NL": "nl",
            "nl_BE": "nl", "fr_FR": "fr", "es_ES": "es", "it_IT": "it", "pl_PL": "pl",
            "pt_PT": "en", "sv_SE": "en", "da_DK": "en", "fi_FI": "en"}


@dataclass(frozen=True)
class Sample:
    kind: str          # detector name (`email`, `fr-nir`) or negative kind (`ean-13`)
    negative: bool     # True: nothing in `text` may be masked
    locale: str
    setting: str       # "alone" (text is the identifier) or "sentence"
    form: str          # how the identifier is written (`compact`, `grouped`, `visa13 spaced`...)
    text: str
    identifier: str    # the exact substring of `text` (for negatives: the planted value)
    start: int         # text[start:start + len(identifier)] == identifier

    @property
    def end(self) -> int:
        return self.start + len(self.identifier)


# --- sentence templates ------------------------------------------------------------------------
# No digits, '@' or square brackets: the context itself must never look like an identifier, and
# the scorer finds masked spans by their `[LABEL]`. Positions vary: start, middle, before
# punctuation, inside parentheses.

POSITIVE_TEMPLATES = {
    "en": ["Please call me back on {} tomorrow morning.", "The customer gave {} when we asked for details.",
           "{} is what she wrote on the form.", "Details on file (see {}) were confirmed.",
           "Can you check this one: {}", "Note from the call, {}, needs a follow-up."],
    "de": ["Bitte rufen Sie mich unter {} zurück.", "Der Kunde hat {} angegeben, bitte prüfen.",
           "{} steht so im Formular.", "Laut Akte ({}) ist alles in Ordnung.", "Kannst du das hier nachsehen: {}"],
    "nl": ["Bel mij terug op {} alstublieft.", "De klant gaf {} op bij de aanvraag.", "{} staat zo op het formulier.",
           "Volgens het dossier ({}) klopt alles.", "Kun je dit even nakijken: {}"],
    "fr": ["Merci de me rappeler au {} demain matin.", "Le client a indiqué {} dans sa demande.",
           "{} figure tel quel sur le formulaire.", "D'après le dossier ({}), tout est en ordre.",
           "Peux-tu vérifier ceci : {}"],
    "es": ["Por favor, llámeme al {} mañana.", "El cliente indicó {} en la solicitud.",
           "{} aparece así en el formulario.", "Según el expediente ({}), todo está en orden.",
           "¿Puedes revisar esto?: {}"],
    "it": ["Per favore mi richiami al {} domani.", "Il cliente ha indicato {} nella richiesta.",
           "{} risulta così nel modulo.", "Secondo la pratica ({}) è tutto in ordine.", "Puoi controllare questo: {}"],
    "pl": ["Proszę oddzwonić pod {} jutro rano.", "Klient podał {} we wniosku.", "{} widnieje tak w formularzu.",
           "Według akt ({}) wszystko się zgadza.", "Możesz to sprawdzić: {}"],
}

NEGATIVE_TEMPLATES = {
    "en": ["Customer asked about {} yesterday.", "Noted in the ticket: {}.", "{} was mentioned twice in the thread.",
           "Please check the entry ({}) again."],
    "de": ["Kunde fragte gestern nach {}.", "Im Ticket vermerkt: {}.", "{} wurde im Verlauf zweimal erwähnt.",
           "Bitte den Eintrag ({}) nochmal prüfen."],
    "nl": ["Klant vroeg gisteren naar {}.", "Genoteerd in het ticket: {}.", "{} werd twee keer genoemd.",
           "Controleer de regel ({}) nog eens."],
    "fr": ["Le client a demandé des nouvelles de {} hier.", "Noté dans le ticket : {}.", "{} a été mentionné deux fois.",
           "Merci de revérifier la ligne ({})."],
    "es": ["El cliente preguntó ayer por {}.", "Anotado en el ticket: {}.", "{} se mencionó dos veces.",
           "Revisa de nuevo la línea ({})."],
    "it": ["Il cliente ha chiesto ieri di {}.", "Annotato nel ticket: {}.", "{} è stato citato due volte.",
           "Ricontrolla la riga ({})."],
    "pl": ["Klient pytał wczoraj o {}.", "Zapisano w zgłoszeniu: {}.", "{} wspomniano dwa razy.",
           "Sprawdź ponownie pozycję ({})."],
}


# --- small helpers -------------------------------------------------------------------------------

def stable_seed(*parts) -> int:
    """A seed from the corpus seed and names; crc32, not hash(), which differs per process."""
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def pick(rng: random.Random, weighted: dict):
    """One key of {choice: weight}."""
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def random_birth_date(rng: random.Random, first_year: int = 1930, last_year: int = 2015) -> datetime.date:
    first = datetime.date(first_year, 1, 1).toordinal()
    last = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
        return True
    except ValueError:
        return False


def luhn_check_digit(payload: str) -> int:
    """The digit that makes payload + digit pass the Luhn (mod 10) check."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        d = int(char)
        if position % 2 == 0:  # doubled: these are the odd positions once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    return len(digits) > 1 and digits.isdigit() and luhn_check_digit(digits[:-1]) == int(digits[-1])


def group(text: str, sizes, separator: str = " ") -> str:
    out, position = [], 0
    for size in sizes:
        out.append(text[position:position + size])
        position += size
    if position < len(text):
        out.append(text[position:])
    return separator.join(part for part in out if part)


# --- validators: the issuers' rules, applied to the identifier as written -------------------------

def valid_email(value: str) -> bool:
    return re.fullmatch(r"[^\s@]+@[^\s@]+\.[^\W\d_]{2,}", value) is not None


def valid_phone(value: str) -> bool:
    # Faker's numbers are random digits in each country's formats: no issuer rule beyond length
    # (an extension, x123, is not part of the number's 15 digits).
    return 7 <= len(digits_of(re.sub(r"x\d+$", "", value))) <= 15


def valid_payment_card(value: str) -> bool:
    """Luhn, 13-19 digits (Maestro also 12), and an issuer's major industry identifier (1-6):
    0 is ISO/TC 68's own and 7-9 are not card issuers."""
    digits = digits_of(value)
    if not (12 <= len(digits) <= 19) or not luhn_valid(digits):
        return False
    if len(digits) == 12:
        return digits[:2] in ("50", "56", "57", "58", "63", "67")  # Maestro's ranges
    return digits[0] in "123456"


IBAN_LENGTHS = {"AT": 20, "BE": 16, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "IE": 22,
                "IT": 27, "NL": 18, "PL": 28, "PT": 25, "SE": 24}


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616: 98 minus (BBAN + country letters as numbers + 00) mod 97, two digits."""
    number = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(number) % 97:02d}"


def valid_iban(value: str) -> bool:
    compact = value.replace(" ", "")
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def valid_ipv4(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
    except ValueError:
        return False


def valid_ipv6(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv6Address)
    except ValueError:
        return False


def valid_us_ssn(value: str) -> bool:
    """AAA-GG-SSSS: area not 000, 666 or 900-999; group and serial not all zeros (SSA rules)."""
    match = re.fullmatch(r"(\d{3})[- ](\d{2})[- ](\d{4})", value)
    if not match:
        return False
    area, group_, serial = (int(g) for g in match.groups())
    return 0 < area < 900 and area != 666 and group_ > 0 and serial > 0


def steuer_id_check_digit(first_ten: str) -> int:
    """ISO 7064 MOD 11,10, as the Bundeszentralamt für Steuern specifies for the Steuer-IdNr."""
    product = 10
    for char in first_ten:
        total = (int(char) + product) % 10 or 10
        product = total * 2 % 11
    check = 11 - product
    return 0 if check == 10 else check


def valid_de_tax_id(value: str) -> bool:
    """11 digits, first not 0; among the first ten exactly one digit occurs twice or (since 2016)
    three times, never three in a row, every other at most once; MOD 11,10 check digit."""
    digits = digits_of(value)
    if not re.fullmatch(r"[1-9]\d{10}", digits):
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    if counts[0] == 3 and re.search(r"(\d)\1\1", digits[:10]):
        return False
    return steuer_id_check_digit(digits[:10]) == int(digits[10])


def valid_nl_bsn(value: str) -> bool:
    """9 digits, the elfproef: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a non-zero multiple of 11."""
    digits = digits_of(value)
    if len(digits) != 9:
        return False
    total = sum((9 - i) * int(d) for i, d in enumerate(digits[:8])) - int(digits[8])
    return total != 0 and total % 11 == 0


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def valid_es_dni(value: str) -> bool:
    """DNI: 8 digits + letter; NIE: X/Y/Z (as 0/1/2) + 7 digits + letter; the letter is
    DNI_LETTERS[number mod 23] (Real Decreto 1553/2005)."""
    compact = re.sub(r"[.\- ]", "", value.upper())
    match = re.fullmatch(r"([XYZ]\d{7}|\d{8})([A-Z])", compact)
    if not match:
        return False
    number = match.group(1)
    number = str("XYZ".index(number[0])) + number[1:] if number[0] in "XYZ" else number
    return DNI_LETTERS[int(number) % 23] == match.group(2)


def nir_key(first_thirteen: str) -> int:
    """97 - (NIR mod 97); Corsica's 2A and 2B count as 19 and 18 (INSEE)."""
    return 97 - int(first_thirteen.replace("2A", "19").replace("2B", "18")) % 97


def valid_fr_nir(value: str) -> bool:
    """Sex (1, 2; 3, 4, 7, 8 for special cases), YY, MM (01-12, 20-42 or 50-99 when the month
    is unknown), département (2 digits, 2A/2B) + commune (3), order (3), then the 2-digit key."""
    compact = value.replace(" ", "").upper()
    match = re.fullmatch(r"([123478])(\d{2})(\d{2})(\d{2}|2A|2B)(\d{3})(\d{3})(\d{2})", compact)
    if not match:
        return False
    month = int(match.group(3))
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return nir_key(compact[:13]) == int(compact[13:])


CF_ODD_VALUES = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                         [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20,
                          11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))


def codice_fiscale_check_letter(first_fifteen: str) -> str:
    """Decreto ministeriale 23/12/1976: odd positions (1st, 3rd...) through the odd table, even
    positions at face value (digits 0-9, letters A=0..Z=25), the sum mod 26 as a letter."""
    total = 0
    for position, char in enumerate(first_fifteen):
        total += CF_ODD_VALUES[char] if position % 2 == 0 else (int(char) if char.isdigit() else ord(char) - 65)
    return chr(65 + total % 26)


def valid_it_codice_fiscale(value: str) -> bool:
    """6 letters (surname, name), YY, month letter, DD (+40 for women), municipality (letter +
    3 digits), check letter. Omocodia (digits replaced by letters) is not generated."""
    compact = value.upper()
    match = re.fullmatch(r"[A-Z]{6}\d{2}([ABCDEHLMPRST])(\d{2})[A-Z]\d{3}([A-Z])", compact)
    if not match:
        return False
    day = int(match.group(2))
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    return codice_fiscale_check_letter(compact[:15]) == match.group(3)


PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
PESEL_CENTURY_BY_MONTH_OFFSET = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}


def valid_pl_pesel(value: str) -> bool:
    """YYMMDD (the month carries the century: +80 1800s, +20 2000s...), 4 digits (the last
    odd for men), and (10 - weighted sum mod 10) mod 10 with weights 1,3,7,9,..."""
    digits = digits_of(value)
    if len(digits) != 11 or digits != value:
        return False
    month_field = int(digits[2:4])
    offset = month_field // 20 * 20
    century = PESEL_CENTURY_BY_MONTH_OFFSET.get(offset)
    if century is None or not is_date(century + int(digits[:2]), month_field - offset, int(digits[4:6])):
        return False
    check = (10 - sum(w * int(d) for w, d in zip(PESEL_WEIGHTS, digits)) % 10) % 10
    return check == int(digits[10])


def be_national_number_check(first_nine: str, born_2000s: bool) -> int:
    """97 - (YYMMDDSSS mod 97); for births from 2000 on, a 2 is put in front first."""
    return 97 - int(("2" if born_2000s else "") + first_nine) % 97


def valid_be_national_number(value: str) -> bool:
    """YY.MM.DD-SSS.CC: birth date (00 when unknown), serial 001-998 (odd for men), mod-97 check."""
    digits = digits_of(value)
    if len(digits) != 11 or not 1 <= int(digits[6:9]) <= 998:
        return False
    check = int(digits[9:])
    return check in (be_national_number_check(digits[:9], False), be_national_number_check(digits[:9], True))


def pt_nif_check_digit(first_eight: str) -> int:
    """Weights 9..2; remainder mod 11 below 2 gives 0, else 11 - remainder."""
    remainder = sum((9 - i) * int(d) for i, d in enumerate(first_eight)) % 11
    return 0 if remainder < 2 else 11 - remainder


def valid_pt_nif(value: str) -> bool:
    """9 digits; first 1-3 for people (45 non-residents), 5, 6, 8, 9 for other entities."""
    digits = digits_of(value)
    return (len(digits) == 9 and digits[0] in "12345689"
            and pt_nif_check_digit(digits[:8]) == int(digits[8]))


def valid_se_personnummer(value: str) -> bool:
    """(YY)YYMMDD, '-' ('+' from age 100) or nothing, NNN, Luhn digit over the 10-digit form;
    samordningsnummer add 60 to the day (Skatteverket)."""
    match = re.fullmatch(r"(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})", value)
    if not match:
        return False
    century, yy, mm, dd, rest = match.groups()
    day = int(dd) - 60 if int(dd) > 60 else int(dd)
    year = int(century + yy) if century else 2000 + int(yy)
    return is_date(year, int(mm), day) and luhn_valid(yy + mm + dd + rest)


def valid_dk_cpr(value: str) -> bool:
    """DDMMYY-SSSS with a real date. The modulus-11 check was dropped in 2007 (CPR-kontoret
    issues numbers that fail it), so the date is the only rule a detector can rely on."""
    match = re.fullmatch(r"(\d{2})(\d{2})(\d{2})-?(\d{4})", value)
    if not match:
        return False
    dd, mm, yy, serial = match.groups()
    return is_date(dk_cpr_century(int(yy), int(serial[0])) + int(yy), int(mm), int(dd))


def dk_cpr_century(yy: int, seventh_digit: int) -> int:
    """The century from the serial's first digit (CPR-kontoret's table)."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


HETU_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
HETU_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
                "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}


def valid_fi_hetu(value: str) -> bool:
    """DDMMYY, century sign (+ 1800s; - or, since 2023, Y X W V U 1900s; A or B-F 2000s),
    individual number 002-899, check character DDMMYYZZZ mod 31 (Digital and Population Data
    Services Agency)."""
    match = re.fullmatch(r"(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])", value)
    if not match:
        return False
    dd, mm, yy, sign, individual, check = match.groups()
    if not is_date(HETU_CENTURY[sign] + int(yy), int(mm), int(dd)) or not 2 <= int(individual) <= 899:
        return False
    return HETU_CHECK_CHARACTERS[int(dd + mm + yy + individual) % 31] == check


SVNR_WEIGHTS = [3, 7, 9, 0, 5, 8, 4, 2, 1, 6]


def valid_at_svnr(value: str) -> bool:
    """SSSC DDMMYY: serial (first digit not 0), check digit C = weighted sum mod 11 (weights
    3,7,9,-,5,8,4,2,1,6; a serial giving 10 is never issued), birth date (Dachverband)."""
    digits = digits_of(value)
    if len(digits) != 10 or digits[0] == "0":
        return False
    check = sum(w * int(d) for w, d in zip(SVNR_WEIGHTS, digits)) % 11
    return check == int(digits[3]) and 1 <= int(digits[6:8]) <= 12 and 1 <= int(digits[4:6]) <= 31


NINO_BAD_FIRST, NINO_BAD_SECOND = set("DFIQUV"), set("DFIOQUV")
NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def valid_uk_nino(value: str) -> bool:
    """Two prefix letters (not D F I Q U V; second not O either; never BG GB KN NK NT TN ZZ,
    ZZ being HMRC's placeholder), six digits, suffix A-D (HMRC NIM39110)."""
    compact = value.replace(" ", "").upper()
    match = re.fullmatch(r"([A-Z])([A-Z])\d{6}[A-D]", compact)
    return bool(match) and match.group(1) not in NINO_BAD_FIRST and match.group(2) not in NINO_BAD_SECOND \
        and compact[:2] not in NINO_BAD_PREFIXES


PPSN_CHECK_LETTERS = "WABCDEFGHIJKLMNOPQRSTUV"


def ppsn_check_letter(digits: str, second_letter: str) -> str:
    """Weights 8..2 over the 7 digits, plus 9 x the second letter (A=1 ... W=0), mod 23."""
    total = sum((8 - i) * int(d) for i, d in enumerate(digits))
    if second_letter:
        total += 9 * (PPSN_CHECK_LETTERS.index(second_letter) if second_letter != "W" else 0)
    return PPSN_CHECK_LETTERS[total % 23]


def valid_ie_ppsn(value: str) -> bool:
    """7 digits, check letter, optional second letter (A or B on numbers issued since 2013,
    W/H on older ones)."""
    match = re.fullmatch(r"(\d{7})([A-W])([ABHW]?)", value.upper())
    return bool(match) and ppsn_check_letter(match.group(1), match.group(3)) == match.group(2)


VALIDATORS = {
    "email": valid_email, "phone": valid_phone, "payment-card": valid_payment_card, "iban": valid_iban,
    "ipv4": valid_ipv4, "ipv6": valid_ipv6, "us-ssn": valid_us_ssn, "de-tax-id": valid_de_tax_id,
    "nl-bsn": valid_nl_bsn, "es-dni": valid_es_dni, "fr-nir": valid_fr_nir,
    "it-codice-fiscale": valid_it_codice_fiscale, "pl-pesel": valid_pl_pesel,
    "be-national-number": valid_be_national_number, "pt-nif": valid_pt_nif,
    "se-personnummer": valid_se_personnummer, "dk-cpr": valid_dk_cpr, "fi-hetu": valid_fi_hetu,
    "at-svnr": valid_at_svnr, "uk-nino": valid_uk_nino, "ie-ppsn": valid_ie_ppsn,
}


# --- identifier generators: (fake, rng, locale) -> (identifier as written, form) ----------------

def generate_email(fake: Faker, rng: random.Random, locale: str):
    form = pick(rng, {"faker": 5, "company": 2, "plus-tag": 2, "unicode-name": 2})
    if form == "faker":
        return fake.email(), form
    if form == "company":
        return fake.company_email(), form
    if form == "plus-tag":
        local, domain = fake.free_email().split("@")
        return f"{local}+{fake.word()}@{domain}", form
    # RFC 6531 addresses keep the name's letters (chloé.dupont@...), where Faker transliterates.
    name = f"{fake.first_name()}.{fake.last_name()}".lower().replace(" ", "").replace("'", "")
    return f"{name}@{fake.free_email_domain()}", form if not name.isascii() else "name"


def generate_phone(fake: Faker, rng: random.Random, locale: str):
    # Faker's per-country formats: E.164, +49(0)..., 001-..., x123 extensions, no separators.
    number = fake.phone_number()
    return number, phone_form(number)


def phone_form(number: str) -> str:
    if re.search(r"x\d+$", number):
        return "extension"
    if number.startswith("+"):
        return "international (0)" if "(0)" in number else "international"
    if number.startswith("00"):
        return "leading 00"  # 001-... (en_US/en_IE) and some Swedish area-code formats
    if number.isdigit():
        return "national, no separators"
    return "national"


CARD_TYPES = ["visa16", "visa13", "visa19", "mastercard", "amex", "discover", "diners", "jcb15", "jcb16", "maestro"]
CARD_GROUPS = {15: (4, 6, 5), 14: (4, 6, 4)}
# Faker's pt_PT card provider has its own, shorter list (Portuguese prefixes).
LOCAL_CARD_TYPES = {"pt_PT": ["visa", "mastercard", "maestro"]}


def in_issuer_range(card_type: str, digits: str) -> bool:
    """Faker draws 16-digit JCB numbers from all of 35xx; JCB's range is 3528-3589."""
    return card_type != "jcb16" or 3528 <= int(digits[:4]) <= 3589


def generate_payment_card(fake: Faker, rng: random.Random, locale: str):
    """Faker's card types; Faker's Maestro also has prefix 0604, not an issuer range (0 is ISO
    TC 68's industry identifier), so the validator makes us draw again there. Maestro is 12
    digits in Faker (Maestro allows 12-19); JCB 15-digit numbers start 1800 or 2131."""
    card_type = rng.choice(LOCAL_CARD_TYPES.get(locale, CARD_TYPES))
    digits = fake.credit_card_number(card_type)
    while not in_issuer_range(card_type, digits):
        digits = fake.credit_card_number(card_type)
    layout = pick(rng, {"compact": 6, "spaced": 3, "dashed": 1})
    if layout == "compact":
        return digits, f"{card_type} compact"
    groups = CARD_GROUPS.get(len(digits), (4,) * 5)
    return group(digits, groups, " " if layout == "spaced" else "-"), f"{card_type} {layout}"


# Faker has no Swedish IBAN format (sv_SE falls back to GB): SE + check + 20 digits.
OWN_IBAN_BBAN_DIGITS = {"sv_SE": ("SE", 20)}


def generate_iban(fake: Faker, rng: random.Random, locale: str):
    if locale in OWN_IBAN_BBAN_DIGITS:
        country, length = OWN_IBAN_BBAN_DIGITS[locale]
        bban = "".join(rng.choice("0123456789") for _ in range(length))
        iban = country + iban_check_digits(country, bban) + bban
    else:
        iban = fake.iban()
    if pick(rng, {"compact": 1, "grouped": 1}) == "grouped":
        return group(iban, (4,) * 10), "grouped"
    return iban, "compact"


def generate_ipv4(fake: Faker, rng: random.Random, locale: str):
    if rng.random() < 0.4:
        return fake.ipv4_private(), "private"
    return fake.ipv4_public(), "public"


def generate_ipv6(fake: Faker, rng: random.Random, locale: str):
    address = ipaddress.IPv6Address(fake.ipv6())
    form = pick(rng, {"compressed": 5, "full": 3, "v4-mapped": 1, "link-local": 1})
    if form == "full":
        return address.exploded, form
    if form == "v4-mapped":
        return f"::ffff:{fake.ipv4_public()}", form
    if form == "link-local":
        return str(ipaddress.IPv6Address("fe80::" + address.exploded[20:])), form
    return address.compressed, form


def generate_us_ssn(fake: Faker, rng: random.Random, locale: str):
    ssn = fake.ssn()  # en_US: AAA-GG-SSSS, SSA's rules
    if rng.random() < 0.2:
        return ssn.replace("-", " "), "spaced"
    return ssn, "dashed"


def generate_de_tax_id(fake: Faker, rng: random.Random, locale: str):
    """Faker de_DE has no Steuer-IdNr (its ssn() is the US format): first ten digits with one
    digit twice (or, as issued since 2016, three times but not three in a row), first not 0,
    then the ISO 7064 MOD 11,10 check digit. Written compact or as on tax notices, 2-3-3-3."""
    while True:
        repeats = 3 if rng.random() < 0.25 else 2
        distinct = rng.sample("0123456789", 11 - repeats)
        body = distinct + [distinct[0]] * (repeats - 1)
        rng.shuffle(body)
        first_ten = "".join(body)
        if first_ten[0] != "0" and not re.search(r"(\d)\1\1", first_ten):
            break
    tax_id = first_ten + str(steuer_id_check_digit(first_ten))
    form = f"{'triple' if repeats == 3 else 'double'} digit"
    if rng.random() < 0.35:
        return group(tax_id, (2, 3, 3, 3)), form + ", grouped"
    return tax_id, form + ", compact"


def generate_nl_bsn(fake: Faker, rng: random.Random, locale: str):
    bsn = fake.ssn()  # nl_NL: a BSN passing the elfproef
    if rng.random() < 0.25:
        return f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}", "dotted"
    return bsn, "compact"


def generate_es_dni(fake: Faker, rng: random.Random, locale: str):
    """Faker es_ES nif() (DNI: 8 digits + letter) and nie() (X/Y/Z + 7 digits + letter)."""
    is_nie = rng.random() < 0.35
    value = fake.nie() if is_nie else fake.nif()
    layout = pick(rng, {"compact": 6, "dash": 3, "dotted": 1})
    if layout == "dash":
        value = f"{value[0]}-{value[1:8]}-{value[8]}" if is_nie else f"{value[:8]}-{value[8]}"
    elif layout == "dotted" and not is_nie:
        value = f"{value[:2]}.{value[2:5]}.{value[5:8]}-{value[8]}"
    else:
        layout = "compact"
    return value, f"{'NIE' if is_nie else 'DNI'} {layout}"


def generate_fr_nir(fake: Faker, rng: random.Random, locale: str):
    """Faker fr_FR ssn() (key included). Written compact or as on the carte Vitale:
    1 72 02 32 013 121 26."""
    nir = fake.ssn()
    if rng.random() < 0.4:
        return group(nir, (1, 2, 2, 2, 3, 3, 2)), "spaced"
    return nir, "compact"


def generate_it_codice_fiscale(fake: Faker, rng: random.Random, locale: str):
    cf = fake.ssn()  # it_IT: the codice fiscale with its check letter
    if rng.random() < 0.1:
        return cf.lower(), "lowercase"
    return cf, "uppercase"


def generate_pl_pesel(fake: Faker, rng: random.Random, locale: str):
    # pesel() with our birth date: its default date counts back from today.
    birth = random_birth_date(rng, 1930, 2020)
    return fake.pesel(date_of_birth=datetime.datetime(birth.year, birth.month, birth.day)), "compact"


def generate_be_national_number(fake: Faker, rng: random.Random, locale: str):
    """Faker nl_BE ssn() dates from today, so the rule is applied here: YYMMDD, serial 001-998,
    97 - (YYMMDDSSS mod 97), with a 2 in front for births from 2000. Written compact or as on
    the eID card, YY.MM.DD-SSS.CC."""
    birth = random_birth_date(rng)
    first_nine = f"{birth:%y%m%d}{rng.randint(1, 998):03d}"
    number = first_nine + f"{be_national_number_check(first_nine, birth.year >= 2000):02d}"
    if rng.random() < 0.5:
        return f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}", "dotted"
    return number, "compact"


def generate_pt_nif(fake: Faker, rng: random.Random, locale: str):
    """Faker pt_PT has no NIF for people (its vat_id() is PT + a company-style number): first
    digit 1-3 (a person), 7 more, then the mod-11 check digit (Autoridade Tributária)."""
    first_eight = str(rng.randint(1, 3)) + "".join(rng.choice("0123456789") for _ in range(7))
    nif = first_eight + str(pt_nif_check_digit(first_eight))
    if rng.random() < 0.2:
        return group(nif, (3, 3, 3)), "spaced"
    return nif, "compact"


def generate_se_personnummer(fake: Faker, rng: random.Random, locale: str):
    """Faker sv_SE ssn() dates from today, so the rule is applied here: YYMMDD-NNNC with a Luhn
    digit over YYMMDDNNN; also the 12-digit forms with the century (Skatteverket)."""
    birth = random_birth_date(rng)
    nine = f"{birth:%y%m%d}{rng.randint(0, 999):03d}"
    ten = nine + str(luhn_check_digit(nine))
    form = pick(rng, {"YYMMDD-NNNC": 6, "YYYYMMDD-NNNC": 3, "YYYYMMDDNNNC": 1})
    if form == "YYMMDD-NNNC":
        return f"{ten[:6]}-{ten[6:]}", form
    century = str(birth.year)[:2]
    return f"{century}{ten[:6]}{'-' if '-' in form else ''}{ten[6:]}", form


def generate_dk_cpr(fake: Faker, rng: random.Random, locale: str):
    """Faker da_DK has no CPR (its ssn() is the US format): DDMMYY-SSSS, the serial's first
    digit consistent with the birth century (dk_cpr_century), no modulus-11 since 2007."""
    birth = random_birth_date(rng)
    yy = birth.year % 100
    sevenths = [d for d in range(10) if dk_cpr_century(yy, d) + yy == birth.year]
    serial = f"{rng.choice(sevenths)}{rng.randint(0, 999):03d}"
    return f"{birth:%d%m%y}-{serial}", "DDMMYY-SSSS"


def generate_fi_hetu(fake: Faker, rng: random.Random, locale: str):
    """Faker fi_FI ssn() dates from today, so the rule is applied here: DDMMYY, century sign,
    ZZZ 002-899, check character mod 31; one in ten uses the signs added in 2023."""
    birth = random_birth_date(rng)
    individual = f"{rng.randint(2, 899):03d}"
    check = HETU_CHECK_CHARACTERS[int(f"{birth:%d%m%y}{individual}") % 31]
    new_signs = rng.random() < 0.1
    if birth.year >= 2000:
        sign = rng.choice("BCDEF") if new_signs else "A"
    else:
        sign = rng.choice("YXWVU") if new_signs else "-"
    return f"{birth:%d%m%y}{sign}{individual}{check}", "2023 century sign" if new_signs else "classic"


def generate_at_svnr(fake: Faker, rng: random.Random, locale: str):
    birth = random_birth_date(rng)
    svnr = fake.ssn(birthdate=birth)  # de_AT: SSSC DDMMYY with the weighted mod-11 check digit
    if rng.random() < 0.5:
        return f"{svnr[:4]} {svnr[4:]}", "spaced"
    return svnr, "compact"


def generate_uk_nino(fake: Faker, rng: random.Random, locale: str):
    """Faker en_GB ssn() gives ZZ prefixes, HMRC's placeholder: letters drawn here under HMRC's
    prefix rules. Written compact or in pairs, AB 12 34 56 C."""
    while True:
        prefix = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if prefix not in NINO_BAD_PREFIXES:
            break
    nino = prefix + "".join(rng.choice("0123456789") for _ in range(6)) + rng.choice("ABCD")
    if rng.random() < 0.5:
        return group(nino, (2, 2, 2, 2, 1)), "spaced"
    return nino, "compact"


def generate_ie_ppsn(fake: Faker, rng: random.Random, locale: str):
    """Faker en_IE has no PPSN (its ssn() is the US format): 7 digits, then the check letter
    (ppsn_check_letter), and on numbers issued since 2013 a second letter, A or B."""
    digits = "".join(rng.choice("0123456789") for _ in range(7))
    second = pick(rng, {"": 4, "A": 5, "B": 1})
    return digits + ppsn_check_letter(digits, second) + second, "two letters" if second else "one letter"


@dataclass(frozen=True)
class PositiveKind:
    name: str
    locales: list
    generate: object  # (fake, rng, locale) -> (identifier, form)


POSITIVE_KINDS = [
    PositiveKind("email", ALL_LOCALES, generate_email),
    PositiveKind("phone", ALL_LOCALES, generate_phone),
    PositiveKind("payment-card", ALL_LOCALES, generate_payment_card),
    PositiveKind("iban", ALL_LOCALES, generate_iban),
    PositiveKind("ipv4", ALL_LOCALES, generate_ipv4),
    PositiveKind("ipv6", ALL_LOCALES, generate_ipv6),
    PositiveKind("us-ssn", ["en_US"], generate_us_ssn),
    PositiveKind("de-tax-id", ["de_DE"], generate_de_tax_id),
    PositiveKind("nl-bsn", ["nl_NL"], generate_nl_bsn),
    PositiveKind("es-dni", ["es_ES"], generate_es_dni),
    PositiveKind("fr-nir", ["fr_FR"], generate_fr_nir),
    PositiveKind("it-codice-fiscale", ["it_IT"], generate_it_codice_fiscale),
    PositiveKind("pl-pesel", ["pl_PL"], generate_pl_pesel),
    PositiveKind("be-national-number", ["nl_BE"], generate_be_national_number),
    PositiveKind("pt-nif", ["pt_PT"], generate_pt_nif),
    PositiveKind("se-personnummer", ["sv_SE"], generate_se_personnummer),
    PositiveKind("dk-cpr", ["da_DK"], generate_dk_cpr),
    PositiveKind("fi-hetu", ["fi_FI"], generate_fi_hetu),
    PositiveKind("at-svnr", ["de_AT"], generate_at_svnr),
    PositiveKind("uk-nino", ["en_GB"], generate_uk_nino),
    PositiveKind("ie-ppsn", ["en_IE"], generate_ie_ppsn),
]
POSITIVE_KIND_NAMES = [kind.name for kind in POSITIVE_KINDS]


# --- hard negatives: (fake, rng, locale) -> (value, form) --------------------------------------
# Labels are localised where people write them ("Bestellnummer 4839201"). Dotted quads are left
# out on purpose: `version 10.2.3.4` is also a valid IPv4 address, which the ipv4 detector must
# mask; versions here are `v10.2.3`, three-part, or longer dotted runs (1.2.3.4.5).

ORDER_LABELS = {"en": "order #", "de": "Bestellnummer ", "nl": "bestelnummer ", "fr": "commande n° ",
                "es": "pedido n.º ", "it": "ordine n. ", "pl": "zamówienie nr "}
TRACKING_LABELS = {"en": "tracking ", "de": "Sendungsnummer ", "nl": "track & trace ", "fr": "numéro de suivi ",
                   "es": "seguimiento ", "it": "tracking ", "pl": "numer przesyłki "}
INVOICE_FORMS = {"en": "invoice INV-{y}-{n6}", "de": "Rechnung Nr. RE-{y}-{n4}", "nl": "factuur {y}.{n4}",
                 "fr": "facture F{y}-{n5}", "es": "factura {y}/{n6}", "it": "fattura n. {n3}/{y}",
                 "pl": "faktura VAT nr FV/{y}/{m}/{n4}"}
# GS1 company prefixes by country, for EAN-13s that look local.
GS1_PREFIXES = {"en_US": ["0", "01", "03"], "en_GB": ["50"], "de_DE": ["400", "410", "440"], "nl_NL": ["87"],
                "es_ES": ["84"], "fr_FR": ["30", "34", "37"], "pl_PL": ["590"], "it_IT": ["80", "83"]}


def random_digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def gs1_check_digit(payload: str) -> int:
    """GTIN mod 10: weights 3 and 1 alternating from the right of the payload."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def upu_s10_check_digit(serial: str) -> int:
    """UPU S10 (Royal Mail, PostNL, La Poste... international items): weights 8,6,4,2,3,5,9,7."""
    check = 11 - sum(w * int(d) for w, d in zip([8, 6, 4, 2, 3, 5, 9, 7], serial)) % 11
    return {10: 0, 11: 5}.get(check, check)


def isbn10_check(payload: str) -> str:
    check = (11 - sum((10 - i) * int(d) for i, d in enumerate(payload)) % 11) % 11
    return "X" if check == 10 else str(check)


def negative_tracking_number(fake, rng, locale):
    label = TRACKING_LABELS[LANGUAGE[locale]]
    form = pick(rng, {"grouped 4+6": 3, "UPS 1Z": 2, "UPU S10": 2, "DHL JJD": 1, "PostNL 3S": 1})
    if form == "grouped 4+6":
        return f"{label}0{random_digits(rng, 3)} {random_digits(rng, 6)}", form
    if form == "UPS 1Z":
        shipper = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6))
        return f"{label}1Z{shipper}{random_digits(rng, 10)}", form
    if form == "UPU S10":
        serial = random_digits(rng, 8)
        return f"{label}{rng.choice(['RR', 'LX', 'CP', 'EE'])}{serial}{upu_s10_check_digit(serial)}" \
               f"{rng.choice(['GB', 'DE', 'NL', 'FR'])}", form
    if form == "DHL JJD":
        return f"{label}JJD{random_digits(rng, 18)}", form
    return f"{label}3S{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ') for _ in range(4))}{random_digits(rng, 9)}", form


def negative_order_number(fake, rng, locale):
    label = ORDER_LABELS[LANGUAGE[locale]]
    form = pick(rng, {"label + 7 digits": 3, "year-serial": 2, "ORD-date-serial": 1})
    if form == "label + 7 digits":
        return f"{label}{rng.randint(1000000, 9999999)}", form
    if form == "year-serial":
        return f"{label}{rng.randint(2015, 2025)}-{random_digits(rng, 6)}", form
    return f"ORD-{random_birth_date(rng, 2018, 2025):%Y%m%d}-{random_digits(rng, 4)}", form


def negative_invoice_number(fake, rng, locale):
    template = INVOICE_FORMS[LANGUAGE[locale]]
    return template.format(y=rng.randint(2015, 2025), m=f"{rng.randint(1, 12):02d}", n3=random_digits(rng, 3),
                           n4=random_digits(rng, 4), n5=random_digits(rng, 5), n6=random_digits(rng, 6)), "labelled"


def negative_ean13(fake, rng, locale):
    prefix = rng.choice(GS1_PREFIXES.get(locale, ["400"]))
    payload = prefix + random_digits(rng, 12 - len(prefix))
    ean = payload + str(gs1_check_digit(payload))
    form = pick(rng, {"EAN": 2, "GTIN": 1, "bare": 1})
    return (ean, form) if form == "bare" else (f"{form} {ean}", form)


def negative_isbn(fake, rng, locale):
    group_, publisher = str(rng.choice([0, 1, 2, 3, 8, 9])), random_digits(rng, rng.randint(2, 5))
    title = random_digits(rng, 8 - len(publisher))
    form = pick(rng, {"ISBN-13 hyphenated": 3, "ISBN-13 compact": 1, "ISBN-10 hyphenated": 2, "ISBN-10 compact": 1})
    if form.startswith("ISBN-13"):
        payload = rng.choice(["978", "979"]) + group_ + publisher + title
        parts = [payload[:3], group_, publisher, title, str(gs1_check_digit(payload))]
    else:
        payload = group_ + publisher + title
        parts = [group_, publisher, title, isbn10_check(payload)]
    number = "-".join(parts) if "hyphenated" in form else "".join(parts)
    return f"ISBN {number}", form


def negative_uuid(fake, rng, locale):
    value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return (value.upper(), "uppercase") if rng.random() < 0.2 else (value, "lowercase")


def negative_hex_id(fake, rng, locale):
    form = pick(rng, {"ObjectId (24)": 2, "SHA-1 (40)": 2, "short commit (7)": 1, "0x-prefixed (16)": 1})
    length = {"ObjectId (24)": 24, "SHA-1 (40)": 40, "short commit (7)": 7, "0x-prefixed (16)": 16}[form]
    value = f"{rng.getrandbits(length * 4):0{length}x}"
    if form == "short commit (7)":
        return f"commit {value}", form
    return ("0x" + value if form.startswith("0x") else value), form


def negative_timestamp(fake, rng, locale):
    day = random_birth_date(rng, 2015, 2025)
    hh, mm, ss = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    form = pick(rng, {"ISO 8601 Z": 2, "ISO 8601 offset, ms": 2, "SQL": 2, "RFC 2822": 1, "dotted date + time": 1})
    moment = datetime.datetime(day.year, day.month, day.day, hh, mm, ss)
    if form == "ISO 8601 Z":
        return f"{moment:%Y-%m-%dT%H:%M:%S}Z", form
    if form == "ISO 8601 offset, ms":
        return f"{moment:%Y-%m-%dT%H:%M:%S}.{rng.randint(0, 999):03d}+0{rng.randint(0, 2)}:00", form
    if form == "SQL":
        return f"{moment:%Y-%m-%d %H:%M:%S}", form
    if form == "RFC 2822":
        return f"{moment:%a, %d %b %Y %H:%M:%S} +0100", form
    return f"{moment:%d.%m.%Y %H:%M}", form


def negative_version(fake, rng, locale):
    major, minor, patch = rng.randint(0, 24), rng.randint(0, 30), rng.randint(0, 200)
    form = pick(rng, {"v-prefixed": 2, "three-part": 2, "kernel": 1, "pre-release": 1, "five-part dotted run": 1})
    if form == "v-prefixed":
        return f"v{major}.{minor}.{patch}", form
    if form == "three-part":
        return f"version {major}.{minor}.{patch}", form
    if form == "kernel":
        return f"{rng.randint(3, 6)}.{minor}.0-{rng.randint(1, 150)}-amd64", form
    if form == "pre-release":
        return f"{major}.{minor}.{patch}-beta.{rng.randint(1, 9)}", form
    return f"{major}.{minor}.{patch}.{rng.randint(0, 255)}.{rng.randint(0, 9999)}", form


def negative_amount(fake, rng, locale):
    cents = rng.randint(100, 999_999_999)
    euros, rest = divmod(cents, 100)
    grouped_dot = f"{euros:,}".replace(",", ".")
    form = pick(rng, {"1.234.567,89 EUR": 3, "€ 1.234,56": 1, "$1,234,567.89": 2, "1 234 567,89 zł": 2,
                      "£12,345.00": 1, "CHF 1'234.50": 1})
    if form == "1.234.567,89 EUR":
        return f"{grouped_dot},{rest:02d} EUR", form
    if form == "€ 1.234,56":
        return f"€ {grouped_dot},{rest:02d}", form
    if form == "$1,234,567.89":
        return f"${euros:,}.{rest:02d}", form
    if form == "1 234 567,89 zł":
        return f"{euros:,}".replace(",", " ") + f",{rest:02d} zł", form
    if form == "£12,345.00":
        return f"£{euros:,}.{rest:02d}", form
    return f"CHF {euros:,}".replace(",", "'") + f".{rest:02d}", form


# Cities from a fixed list: Faker's it_IT city() differs between processes (set ordering).
CITIES = {"US": ["Springfield", "Portland"], "GB": ["London", "Leeds"], "DE": ["Berlin", "Köln"],
          "NL": ["Amsterdam", "Utrecht"], "ES": ["Madrid", "Sevilla"], "FR": ["Paris", "Lyon"],
          "PL": ["Warszawa", "Kraków"], "IT": ["Roma", "Milano"]}


def negative_postcode(fake, rng, locale):
    # Faker's postcodes: DE 10115, NL 1234 AB, UK SW1A 1AA, PL 00-950, US, FR, ES, IT 5 digits.
    country = locale[-2:]
    return f"{fake.postcode()} {rng.choice(CITIES[country])}", country


def negative_date(fake, rng, locale):
    day = random_birth_date(rng, 1990, 2030)
    month_names = {"en": "%d %B %Y", "de": "%d.%m.%Y", "nl": "%d-%m-%Y", "fr": "%d/%m/%Y", "es": "%d/%m/%Y",
                   "it": "%d/%m/%Y", "pl": "%d.%m.%Y"}
    form = pick(rng, {"local": 3, "ISO": 2, "US": 1})
    if form == "ISO":
        return f"{day:%Y-%m-%d}", form
    if form == "US":
        return f"{day:%m/%d/%Y}", form
    return day.strftime(month_names[LANGUAGE[locale]]), form


NEGATIVE_KINDS = {
    "tracking-number": negative_tracking_number,
    "order-number": negative_order_number,
    "invoice-number": negative_invoice_number,
    "ean-13": negative_ean13,
    "isbn": negative_isbn,
    "uuid": negative_uuid,
    "hex-id": negative_hex_id,
    "timestamp": negative_timestamp,
    "version": negative_version,
    "amount": negative_amount,
    "postcode": negative_postcode,
    "date": negative_date,
}
NEGATIVE_KIND_NAMES = list(NEGATIVE_KINDS)


# --- screening negatives ---------------------------------------------------------------------
# A negative that happens to be a valid identifier (a Luhn-valid EAN-13 starting with 4 is a
# valid 13-digit Visa number; a 10-digit serial can pass the SVNR check) is one no pattern
# detector can tell apart, so it is drawn again. Shapes: how the checksummed kinds are written
# in this corpus; phone, e-mail and IP have no checksum and are not screened (a dotted quad is
# never generated, and `tracking 0123 456789` is meant to be hard).

CHECKSUM_SHAPES = {
    "payment-card": r"\d(?:[ -]?\d){11,18}",
    "iban": r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}",
    "us-ssn": r"\d{3}[- ]\d{2}[- ]\d{4}",
    "de-tax-id": r"\d{2} ?\d{3} ?\d{3} ?\d{3}",
    "nl-bsn": r"\d{4}\.?\d{2}\.?\d{3}",
    "es-dni": r"[XYZ0-9][-.]?\d[\d.\-]{5,10}[A-Z]",
    "fr-nir": r"[1-478](?: ?[0-9AB]){14}",
    "it-codice-fiscale": r"[A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z]\d{3}[A-Za-z]",
    "pl-pesel": r"\d{11}",
    "be-national-number": r"\d{2}\.?\d{2}\.?\d{2}[- ]?\d{3}\.? ?\d{2}",
    "pt-nif": r"\d{3} ?\d{3} ?\d{3}",
    "se-personnummer": r"(?:\d{2})?\d{6}[-+]?\d{4}",
    "dk-cpr": r"\d{6}-\d{4}",
    "fi-hetu": r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]",
    "at-svnr": r"\d{4} ?\d{6}",
    "uk-nino": r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]",
    "ie-ppsn": r"\d{7}[A-W][ABWH]?",
}
_CHECKSUM_PATTERNS = {kind: re.compile(rf"(?<![\w.]){shape}(?![\w])") for kind, shape in CHECKSUM_SHAPES.items()}


def valid_identifier_inside(text: str) -> str | None:
    """The kind of the first valid checksummed identifier written in text, if any."""
    for kind, pattern in _CHECKSUM_PATTERNS.items():
        for match in pattern.finditer(text):
            if VALIDATORS[kind](match.group()):
                return kind
    return None


# --- assembling samples ----------------------------------------------------------------------

class _Fakers:
    """One Faker per locale, reseeded per (kind, locale) so each block is independent."""

    def __init__(self):
        self._by_locale = {}

    def seeded(self, locale: str, seed: int) -> Faker:
        if locale not in self._by_locale:
            self._by_locale[locale] = Faker(locale)
        fake = self._by_locale[locale]
        fake.seed_instance(seed)
        return fake


SETTINGS = ("alone", "sentence")


def place(identifier: str, setting: str, language: str, templates: dict, rng: random.Random) -> tuple[str, int]:
    """(text, offset of the identifier in it)."""
    if setting == "alone":
        return identifier, 0
    template = rng.choice(templates[language])
    return template.format(identifier), template.index("{}")


def locale_shares(locales: list, per_kind: int) -> list[tuple[str, int]]:
    """per_kind samples spread round-robin over locales: [(locale, count)]."""
    return [(locale, len(range(i, per_kind, len(locales)))) for i, locale in enumerate(locales)]


def draw(generate, is_acceptable, *args, tries: int = 200):
    for _ in range(tries):
        value, form = generate(*args)
        if is_acceptable(value):
            return value, form
    raise RuntimeError(f"{generate.__name__} gave no acceptable value in {tries} tries")


def positive_samples(kind: PositiveKind, seed: int, per_kind: int, fakers: _Fakers) -> list[Sample]:
    samples = []
    validate = VALIDATORS[kind.name]
    for locale, count in locale_shares(kind.locales, per_kind):
        block_seed = stable_seed(seed, kind.name, locale)
        fake, rng = fakers.seeded(locale, block_seed), random.Random(block_seed)
        for _ in range(count):
            identifier, form = draw(kind.generate, validate, fake, rng, locale)
            setting = SETTINGS[len(samples) % 2]  # alternating over the whole kind, not per locale
            text, start = place(identifier, setting, LANGUAGE[locale], POSITIVE_TEMPLATES, rng)
            samples.append(Sample(kind.name, False, locale, setting, form, text, identifier, start))
    return samples


def negative_samples(kind: str, seed: int, per_kind: int, fakers: _Fakers) -> list[Sample]:
    samples = []
    generate = NEGATIVE_KINDS[kind]
    for locale, count in locale_shares(CORE_LOCALES, per_kind):
        block_seed = stable_seed(seed, "negative", kind, locale)
        fake, rng = fakers.seeded(locale, block_seed), random.Random(block_seed)
        for _ in range(count):
            value, form = draw(generate, lambda v: valid_identifier_inside(v) is None, fake, rng, locale)
            setting = SETTINGS[len(samples) % 2]
            text, start = place(value, setting, LANGUAGE[locale], NEGATIVE_TEMPLATES, rng)
            if valid_identifier_inside(text) is None:  # the template cannot add one, but be sure
                samples.append(Sample(kind, True, locale, setting, form, text, value, start))
    return samples


def build_corpus(seed: int = DEFAULT_SEED, per_kind: int = 100, kinds=None, negatives: bool = True) -> list[Sample]:
    """per_kind samples of every positive kind (or those in `kinds`) and of every negative kind."""
    fakers = _Fakers()
    corpus = []
    for kind in POSITIVE_KINDS:
        if kinds is None or kind.name in kinds:
            corpus += positive_samples(kind, seed, per_kind, fakers)
    if negatives:
        for kind in NEGATIVE_KIND_NAMES:
            corpus += negative_samples(kind, seed, per_kind, fakers)
    for sample in corpus:
        assert sample.text[sample.start:sample.end] == sample.identifier, sample
    return corpus


if __name__ == "__main__":  # a quick look: python3 -m harness.identifier_corpus (from tests/integration)
    import sys
    for sample in build_corpus(per_kind=int(sys.argv[1]) if len(sys.argv) > 1 else 4):
        print(f"{sample.kind:<20}{sample.locale:<7}{sample.form:<28}{sample.text}")
