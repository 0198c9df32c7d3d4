"""What the `shop_masked` connection (harness/stack.py: DEMO_PERSONAL_DATA, free-text: detect)
must return for the demo data, computed from direct rows. Helpers only: no tests here.

Redact strategy everywhere: a classified value that is exactly one identifier becomes that
identifier's label, anything else the category's label; text elsewhere keeps everything but
the identifiers the detectors find. The identifiers are recomputed here from their own rules
(Luhn, mod 97, elfproef, DNI letter, SSN areas, the Belgian, French and Irish check rules), so an
expectation never trusts the gateway.
"""

import copy

import asyncpg

MASKED = "shop_masked"

CUSTOMER_PII = ("full_name", "email", "phone", "national_id", "card_number", "iban", "birth_date")
CUSTOMER_COLUMNS = ("id",) + CUSTOMER_PII + ("city", "country", "created_at", "notes")

IBAN_LENGTHS = {"DE": 22, "NL": 18, "FR": 27, "ES": 24, "IT": 27, "IE": 22, "BE": 16}
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = int(char)
        if position % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(value: str) -> bool:
    if IBAN_LENGTHS.get(value[:2]) != len(value):
        return False
    rearranged = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def card_label(value: str) -> str:
    assert value.isdigit() and value[0] in "345", value
    return "[CARD]" if luhn_valid(value) else "[FINANCIAL]"


def iban_label(value: str) -> str:
    return "[IBAN]" if iban_valid(value) else "[FINANCIAL]"


def national_id_kind(country: str, value: str) -> str | None:
    """The detector label a national ID gets on its own, or None when no detector knows it."""
    if country == "US":
        area, group, serial = (int(p) for p in value.split("-"))
        return "[SSN]" if 0 < area < 900 and area != 666 and group and serial else None
    if country == "ES":
        return "[DNI]" if value[8] == DNI_LETTERS[int(value[:8]) % 23] else None
    if country == "NL":
        d = [int(c) for c in value]
        s = sum((9 - i) * d[i] for i in range(8)) - d[8]
        return "[BSN]" if s != 0 and s % 11 == 0 else None
    if country == "BE":
        # YY.MM.DD-SSS.CC: CC = 97 - (the nine digits, with a 2 in front from 2000, mod 97).
        digits = "".join(c for c in value if c.isdigit())
        nine, check = int(digits[:9]), int(digits[9:])
        return "[NN]" if check in (97 - nine % 97, 97 - (2_000_000_000 + nine) % 97) else None
    if country == "FR":
        # INSEE/NIR: 13 digits and the key 97 - (those 13 mod 97).
        return "[NIR]" if len(value) == 15 and int(value[13:]) == 97 - int(value[:13]) % 97 else None
    if country == "IE":
        # PPS: 7 digits and the letter of (weights 8..2) mod 23, W for 0.
        total = sum(int(value[i]) * (8 - i) for i in range(7)) % 23
        return "[PPSN]" if value[7] == "WABCDEFGHIJKLMNOPQRSTUV"[total] else None
    # DE identity card (T + 8 digits), IT identity card: no detector.
    return None


def masked_customer(row: dict) -> dict:
    """The row (a dict over some of CUSTOMER_COLUMNS) as shop_masked returns it."""
    out = dict(row)
    if "full_name" in row:
        out["full_name"] = "[NAME]"
    if "email" in row:
        out["email"] = "[EMAIL]"
    if "phone" in row:
        out["phone"] = "[PHONE]"
    if "national_id" in row:
        out["national_id"] = national_id_kind(row["country"], row["national_id"]) or "[NATIONAL-ID]"
    if "card_number" in row:
        out["card_number"] = row["card_number"] and card_label(row["card_number"])
    if "iban" in row:
        out["iban"] = row["iban"] and iban_label(row["iban"])
    if "birth_date" in row:
        out["birth_date"] = None
    if "notes" in row:
        out["notes"] = masked_notes(row)
    return out


def masked_notes(row: dict) -> str | None:
    """customers.notes is not classified: only the identifiers in it are masked."""
    notes = row["notes"]
    if notes is None:
        return None
    if notes.startswith("Prefers e-mail: "):
        return "Prefers e-mail: [EMAIL]"
    if notes.startswith("Asked to be called back on "):
        return "Asked to be called back on [PHONE] after 6pm."
    if notes.startswith("Changed delivery address twice. Alternate contact "):
        return "Changed delivery address twice. Alternate contact [EMAIL]"
    assert notes.startswith("VIP since "), notes
    return notes


def masked_body(body: str, customer: dict) -> str:
    """support_tickets.body (free-text: detect): the customer's identifiers planted in it masked."""
    out = body
    planted = [(customer["email"], "[EMAIL]"), (customer["phone"], "[PHONE]")]
    if customer["card_number"]:
        planted.append((customer["card_number"], card_label(customer["card_number"])))
    planted.append(("4111111111111111", "[CARD]"))  # the seed's fallback card
    if customer["iban"]:
        planted.append((customer["iban"], "[IBAN]" if iban_valid(customer["iban"]) else customer["iban"]))
    kind = national_id_kind(customer["country"], customer["national_id"])
    if kind:
        planted.append((customer["national_id"], kind))
    for value, label in planted:
        out = out.replace(value, label)
    return out


def planted_identifiers(body: str, customer: dict) -> list[str]:
    """Which of the customer's detectable identifiers the body holds (from the direct text)."""
    candidates = [customer["email"], customer["phone"], customer["card_number"], customer["iban"],
                  "4111111111111111"]
    if national_id_kind(customer["country"], customer["national_id"]):
        candidates.append(customer["national_id"])
    return [c for c in candidates if c and c in body]


def masked_metadata(metadata: dict) -> dict:
    out = copy.deepcopy(metadata)
    if "reply_to" in out:
        out["reply_to"] = "[EMAIL]"
    if "caller" in out:
        out["caller"]["number"] = "[PHONE]"
        out["caller"]["name"] = "[NAME]"      # json_fields: $.caller.name is classified as a name
    if "refund" in out and out["refund"]["iban"] is not None:
        out["refund"]["iban"] = "[IBAN]"
    return out


TICKET_QUERY = ("SELECT t.id, t.subject, t.body, t.metadata, t.status, t.opened_at, "
                "c.email, c.phone, c.national_id, c.card_number, c.iban, c.country "
                "FROM support_tickets t JOIN customers c ON c.id = t.customer_id ORDER BY t.id")


def direct_tickets(admin) -> list[dict]:
    cur = admin.execute(TICKET_QUERY)
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def direct_customers(admin, columns=CUSTOMER_COLUMNS, where: str = "") -> list[dict]:
    # country is needed to predict national_id's label.
    wanted = list(dict.fromkeys(list(columns) + ["country"]))
    cur = admin.execute(f"SELECT {', '.join(wanted)} FROM customers {where} ORDER BY id")
    return [dict(zip(wanted, r)) for r in cur.fetchall()]


def raw_identifiers(row: dict) -> list[str]:
    """The values of a direct customer row that must never reach an agent (as text)."""
    return [str(row[c]) for c in CUSTOMER_PII if row.get(c) is not None]


async def asyncpg_connect(gateway, connection=MASKED):
    return await asyncpg.connect(host="127.0.0.1", port=gateway.port, user="agent", password=gateway.token(),
                                 database=connection, ssl="require", timeout=10)
