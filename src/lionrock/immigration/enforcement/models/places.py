"""Where things happen: Hong Kong's districts and the kinds of premises, shared by reports and operations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    """The 18 districts of Hong Kong."""

    CENTRAL_AND_WESTERN = "central_western", _("Central and Western")
    WAN_CHAI = "wan_chai", _("Wan Chai")
    EASTERN = "eastern", _("Eastern")
    SOUTHERN = "southern", _("Southern")
    YAU_TSIM_MONG = "yau_tsim_mong", _("Yau Tsim Mong")
    SHAM_SHUI_PO = "sham_shui_po", _("Sham Shui Po")
    KOWLOON_CITY = "kowloon_city", _("Kowloon City")
    WONG_TAI_SIN = "wong_tai_sin", _("Wong Tai Sin")
    KWUN_TONG = "kwun_tong", _("Kwun Tong")
    KWAI_TSING = "kwai_tsing", _("Kwai Tsing")
    TSUEN_WAN = "tsuen_wan", _("Tsuen Wan")
    TUEN_MUN = "tuen_mun", _("Tuen Mun")
    YUEN_LONG = "yuen_long", _("Yuen Long")
    NORTH = "north", _("North")
    TAI_PO = "tai_po", _("Tai Po")
    SHA_TIN = "sha_tin", _("Sha Tin")
    SAI_KUNG = "sai_kung", _("Sai Kung")
    ISLANDS = "islands", _("Islands")


class PremisesType(models.TextChoices):
    RENOVATION_SITE = "renovation_site", _("Renovation or building-maintenance site")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    RESTAURANT = "restaurant", _("Restaurant or food stall")
    RETAIL_SHOP = "retail_shop", _("Retail shop")
    WAREHOUSE = "warehouse", _("Warehouse or logistics")
    FACTORY = "factory", _("Factory or workshop")
    OFFICE = "office", _("Office")
    DOMESTIC = "domestic", _("Domestic household")
    MASSAGE_OR_ENTERTAINMENT = "entertainment", _("Massage or entertainment venue")
    MARKET = "market", _("Market or street stall")
    OTHER = "other", _("Other")
