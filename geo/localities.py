"""Localities the product ships scenarios for, keyed like the catalog overlays."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.kernel.errors import InputError


@dataclass(frozen=True)
class Locality:
    """A planning locality: its admin unit and the window levels it opens by default."""

    key: str
    name: str
    province: str
    code: str  # 6-digit admin code of the locality's own unit ("000000" for national)
    default_levels: tuple[str, ...]
    note: str = ""


LOCALITIES: dict[str, Locality] = {
    loc.key: loc
    for loc in (
        Locality(
            "chizhou",
            "池州市",
            "安徽省",
            "341700",
            ("prefecture", "county"),
            "city hall + county halls 贵池区/东至县/石台县/青阳县; "
            "township pilots from a user list",
        ),
        Locality(
            "tianjin",
            "天津市",
            "天津市",
            "120000",
            ("province", "county"),
            "municipal hall + 16 district halls; streets/townships from a user list",
        ),
        Locality(
            "qijiang", "綦江区", "重庆市", "500110", ("county",), "district hall (重庆市綦江区)"
        ),
        Locality(
            "haicang", "海沧区", "福建省", "350205", ("county",), "district hall (厦门市海沧区)"
        ),
        Locality(
            "national",
            "全国",
            "",
            "000000",
            ("province", "prefecture", "county"),
            "every province, prefecture and county hall of mainland China",
        ),
    )
}


def get_locality(key: str) -> Locality:
    """The locality registered under ``key`` (InputError listing the keys if unknown)."""
    try:
        return LOCALITIES[key.strip().lower()]
    except KeyError:
        raise InputError(
            f"unknown locality {key!r}; one of {', '.join(LOCALITIES)}", field="locality"
        ) from None
