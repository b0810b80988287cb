"""What the public pre-order form offers (manual 000: the Peugeot 408 pre-order), with prices."""

from decimal import Decimal

MODEL = "Peugeot 408"
#: version -> trim -> price
VERSIONS: dict[str, dict[str, Decimal]] = {
    "1.2 PureTech 130 EAT8": {"Allure": Decimal("2990000"), "Allure Pack": Decimal("3190000")},
    "1.6 PureTech 180 EAT8": {"Allure Pack": Decimal("3390000"), "GT": Decimal("3590000")},
    "Hybrid 225 e-EAT8": {"GT": Decimal("3990000"), "GT First Edition": Decimal("4190000")},
}


def price(version: str, trim: str) -> Decimal | None:
    return VERSIONS.get(version, {}).get(trim)


def trims(version: str) -> dict[str, Decimal] | None:
    """The trims (with prices) the form offers: the chosen version's, or ``None`` (all, by version) before a choice."""
    return VERSIONS.get(version, {}) if version else None
