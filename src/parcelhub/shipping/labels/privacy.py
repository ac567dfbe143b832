"""Privacy waybills (隐私面单): what of the recipient's name and phone a label may show."""

from __future__ import annotations

MASK = "*"


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: the first character stays so the courier can still greet someone."""
    name = name.strip()
    if len(name) <= 1:
        return MASK if name else ""
    return name[0] + "".join(ch if ch == " " else MASK for ch in name[1:])


def mask_phone(phone: str) -> str:
    """13812348000 -> 138****8000; 0571-88881234 -> 0571-****1234.

    A mobile number keeps its first 3 and last 4 digits and prints as the bare 11 digits, the way couriers
    dial it, even when written with +86 or spaces. A landline keeps its area code (3 digits for 01x/02x, else
    4) and last 4 digits, its separators as written. Anything shorter than 7 digits keeps its last 2 digits.
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + MASK * 4 + digits[-4:]
    count = len(digits)
    if count >= 7:
        head = (3 if digits[1] in "12" else 4) if digits.startswith("0") and count >= 10 else 0
        tail = 4
    else:
        head, tail = 0, min(2, max(count - 1, 0))
    out: list[str] = []
    seen = 0
    for ch in phone.strip():
        if ch.isdigit():
            out.append(ch if seen < head or seen >= count - tail else MASK)
            seen += 1
        else:
            out.append(ch)
    return "".join(out)
