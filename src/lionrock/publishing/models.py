"""Press releases, their frozen published versions, the templates they are drafted from, and meetings."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation


class SourceKind(models.TextChoices):
    OPERATION = "operation", _("Enforcement operation")
    MEETING = "meeting", _("Meeting")
    DRILL = "drill", _("Cybersecurity drill")
    EVENT = "event", _("Major event summary")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh-hant", _("Traditional Chinese")


class ReleaseTemplate(models.Model):
    """One version of a release template: the wording an agency may change, never a figure.

    `body` is paragraphs separated by blank lines, with `{placeholders}` filled from the records and
    `[if condition]` prefixes; `phrases` holds the smaller wordings (a sentence per offence, publicity,
    channels, ordinance names). A change is a new version; a release remembers the version it was drafted
    from. `organisation` empty: the default every agency starts from.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind of release"), max_length=20, choices=SourceKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"))
    phrases = models.JSONField(_("phrases"), default=dict, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["kind", "language", "-version"]
        verbose_name = _("release template")
        verbose_name_plural = _("release templates")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "language", "version"],
                name="release_template_version",
                condition=models.Q(organisation__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "language", "version"],
                name="release_template_default_version",
                condition=models.Q(organisation__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.language} v{self.version}"


class Meeting(models.Model):
    """A meeting the policy office announces: who convened whom, when, what was discussed, what follows.

    Quotes are written by the press officer and attributed to named officials; Lionrock never generates
    them. `quotes` is a list of {speaker_en, speaker_zh, quote_en, quote_zh}.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    name_en = models.CharField(_("meeting (English)"), max_length=300)
    name_zh = models.CharField(_("meeting (Chinese)"), max_length=300)
    convened_by_en = models.CharField(_("convened by (English)"), max_length=300)
    convened_by_zh = models.CharField(_("convened by (Chinese)"), max_length=300)
    attendees = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations attending")
    )
    attendees_en = models.CharField(_("attending (English)"), max_length=300, blank=True)
    attendees_zh = models.CharField(_("attending (Chinese)"), max_length=300, blank=True)
    topics_en = models.TextField(_("topics (English)"))
    topics_zh = models.TextField(_("topics (Chinese)"))
    follow_up_en = models.TextField(_("follow-up measures (English)"), blank=True)
    follow_up_zh = models.TextField(_("follow-up measures (Chinese)"), blank=True)
    quotes = models.JSONField(_("quotes"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-held_on", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.name_en}"


class PressRelease(models.Model):
    """A press release in English and Chinese, drafted from a record (an operation, a meeting, a finished
    drill or a major event: exactly one is set) and carried to publication.

    Draft -> submitted -> approved by a second press officer of the record's agency (never the drafter)
    -> published at `release_at` (the embargo): approval freezes a numbered ReleaseVersion that the
    public sees from that moment. A correction reopens the working copy; its approval freezes the next
    version with a note saying what changed. `generated` keeps the draft as generated, with the source
    of every figure.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        SCHEDULED = "scheduled", _("Approved, scheduled")
        PUBLISHED = "published", _("Published")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("drawn from"), max_length=20, choices=SourceKind.choices)
    operation = models.ForeignKey(
        "enforcement.Operation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    exercise = models.ForeignKey(
        "drills.Exercise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    release_at = models.DateTimeField(_("release at"))
    place_en = models.CharField(_("place as the release gives it (English)"), max_length=300, blank=True)
    place_zh = models.CharField(_("place as the release gives it (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    body_en = models.TextField(_("text (English)"))
    body_zh = models.TextField(_("text (Chinese)"))
    change_note_en = models.CharField(_("what this correction changes (English)"), max_length=500, blank=True)
    change_note_zh = models.CharField(_("what this correction changes (Chinese)"), max_length=500, blank=True)
    generated = models.JSONField(default=dict, blank=True)
    template_en = models.ForeignKey(
        ReleaseTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    template_zh = models.ForeignKey(
        ReleaseTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-release_at", "-pk"]
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")

    def __str__(self) -> str:
        return self.reference

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def body(self, language: str) -> str:
        return self.body_zh if language.startswith("zh") else self.body_en


class ReleaseVersion(models.Model):
    """A published version, frozen: what the public read from `published_at`. Never changed or deleted."""

    release = models.ForeignKey(PressRelease, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    body_en = models.TextField(_("text (English)"))
    body_zh = models.TextField(_("text (Chinese)"))
    change_note_en = models.CharField(_("what changed (English)"), max_length=500, blank=True)
    change_note_zh = models.CharField(_("what changed (Chinese)"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["release", "number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["release", "number"], name="release_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.release_id} v{self.number}"

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def body(self, language: str) -> str:
        return self.body_zh if language.startswith("zh") else self.body_en

    def change_note(self, language: str) -> str:
        return self.change_note_zh if language.startswith("zh") else self.change_note_en
