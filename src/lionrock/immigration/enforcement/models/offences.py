"""The offence catalogue: public law, versioned by the date each wording took effect."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

# The ordinances the offence catalogue cites, marked so that their names are translated.
ORDINANCE_NAMES = (gettext_noop("Immigration Ordinance (Cap. 115)"),)


class Offence(models.Model):
    """One version of an offence in the catalogue; a change in the law is a new row with its own dates.

    `effective_from` empty means in force before the catalogue's records begin; `effective_until` empty
    means still in force. Penalties are the maxima; `penalty_as_principal` marks aiding and abetting.
    """

    code = models.SlugField(_("code"), max_length=40)
    ordinance = models.CharField(_("ordinance"), max_length=120)
    section = models.CharField(_("section"), max_length=60)
    section_zh = models.CharField(_("section (Chinese)"), max_length=60, blank=True)
    title_en = models.CharField(_("offence (English)"), max_length=300)
    title_zh = models.CharField(_("offence (Chinese)"), max_length=300)
    max_fine_hkd = models.PositiveIntegerField(_("maximum fine (HK$)"), null=True, blank=True)
    max_imprisonment_months = models.PositiveIntegerField(
        _("maximum imprisonment (months)"), null=True, blank=True
    )
    penalty_as_principal = models.BooleanField(_("penalty as for the principal offence"), default=False)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["code", "effective_from"]
        verbose_name = _("offence")
        verbose_name_plural = _("offences")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="offence_unique_version"),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="offence_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.title_en}"

    def title(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.title_zh:
            return self.title_zh
        return self.title_en

    def section_in(self, language: str | None = None) -> str:
        """'s.17I (officers)' in English, the Chinese catalogue's own wording in Chinese."""
        if language and language.startswith("zh") and self.section_zh:
            return self.section_zh
        return self.section

    def ordinance_display(self) -> str:
        """The ordinance's name in the reader's language (the catalogue knows the one it cites)."""
        return gettext(self.ordinance) if self.ordinance else ""

    def title_display(self) -> str:
        """The offence in the reader's language."""
        return self.title(get_language())

    def section_display(self) -> str:
        """The section in the reader's language."""
        return self.section_in(get_language())

    def imprisonment_display(self) -> str:
        """'10 years' where the ordinance says years (whole years), otherwise months."""
        months = self.max_imprisonment_months
        if not months:
            return ""
        if months % 12 == 0:
            return ngettext("%(count)d year", "%(count)d years", months // 12) % {"count": months // 12}
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}

    def fine_display(self) -> str:
        return f"HK${self.max_fine_hkd:,}" if self.max_fine_hkd else ""

    def penalty_display(self) -> str:
        """The maxima as the ordinance states them: 'HK$500,000 and imprisonment for 10 years'."""
        if self.penalty_as_principal:
            return gettext("as for the principal offence")
        fine, term = self.fine_display(), self.imprisonment_display()
        if fine and term:
            return gettext("%(fine)s and imprisonment for %(term)s") % {"fine": fine, "term": term}
        if term:
            return gettext("imprisonment for %(term)s") % {"term": term}
        return fine
