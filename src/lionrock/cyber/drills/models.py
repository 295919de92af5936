"""Exercises (drills): teams, people, the MSEL of injects and expected actions, canaries, evidence, scores."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel.models import Collection


class Capability(models.TextChoices):
    DETECT = "detect", _("detect")
    REPORT = "report", _("report")
    SHARE = "share", _("share")
    CONTAIN = "contain", _("contain")
    COMMUNICATE = "communicate", _("communicate")


class Exercise(models.Model):
    """One drill: its plan (from a versioned scenario template), its clock and its exercise collection."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        ENDED = "ended", _("ended")
        CLOSED = "closed", _("report approved")

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    scenario = models.TextField(_("scenario"), blank=True)
    template = models.CharField(max_length=80, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("planned start"))
    ends_at = models.DateTimeField(_("planned end"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Hong_Kong")
    started_at = models.DateTimeField(null=True, blank=True)
    # [[paused at, resumed at or null], ...] as ISO timestamps: the clock does not run in between.
    pauses = models.JSONField(default=list)
    ended_at = models.DateTimeField(null=True, blank=True)
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seed = models.CharField(max_length=32)
    lines_per_team = models.PositiveIntegerField(default=5000)
    lessons = models.TextField(_("lessons"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-starts_at"]

    def __str__(self) -> str:
        return self.name_en


class Objective(models.Model):
    """What the drill sets out to exercise, tied to one capability."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="objectives")
    capability = models.CharField(max_length=12, choices=Capability.choices)
    text_en = models.CharField(max_length=300)
    text_zh = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.text_en


class Team(models.Model):
    """A participating organisation; its members with the Drill participant role are its players."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="teams")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["exercise", "organisation"], name="drill_team_unique")
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Participant(models.Model):
    """A person named to the exercise in the white cell (controller), as evaluator, observer or player."""

    class Role(models.TextChoices):
        CONTROLLER = "controller", _("controller")
        EVALUATOR = "evaluator", _("evaluator")
        OBSERVER = "observer", _("observer")
        PLAYER = "player", _("player")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="players")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["exercise", "user", "role"], name="drill_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Inject(models.Model):
    """One line of the MSEL: delivered to its target teams (all when none) at its offset on the clock."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("platform inbox and notification")
        EMAIL = "email", _("e-mail")
        TAXII = "taxii", _("TAXII object in the exercise collection")
        ARTEFACT = "artefact", _("downloadable artefact")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="injects")
    number = models.PositiveIntegerField()
    offset_minutes = models.PositiveIntegerField()
    title_en = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=200, blank=True)
    body_en = models.TextField(blank=True)
    body_zh = models.TextField(blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    technique = models.CharField(_("ATT&CK technique"), max_length=16, blank=True)
    targets = models.ManyToManyField(Team, blank=True, related_name="injects")
    ad_hoc = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["offset_minutes", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["exercise", "number"], name="drill_inject_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title_en}"


class Expectation(models.Model):
    """What a good team does after an inject, by when (minutes after delivery), and what it is worth."""

    inject = models.ForeignKey(Inject, on_delete=models.CASCADE, related_name="expectations")
    capability = models.CharField(max_length=12, choices=Capability.choices)
    text_en = models.CharField(max_length=300)
    text_zh = models.CharField(max_length=300, blank=True)
    deadline_minutes = models.PositiveIntegerField()
    score = models.PositiveIntegerField(default=100)

    class Meta:
        ordering: ClassVar = ["inject__offset_minutes", "pk"]

    def __str__(self) -> str:
        return self.text_en

    @property
    def automatic(self) -> bool:
        """Detect, report and share are proven by evidence; the rest is for evaluators."""
        return self.capability in (Capability.DETECT, Capability.REPORT, Capability.SHARE)


class Delivery(models.Model):
    """An inject delivered to one team, on the exercise clock and the wall clock."""

    inject = models.ForeignKey(Inject, on_delete=models.CASCADE, related_name="deliveries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deliveries")
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["inject", "team"], name="drill_delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inject} -> {self.team}"


class Canary(models.Model):
    """A value planted in one team's artefacts: a canary (to be found) or a decoy (must not be reported)."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("domain")
        ADDRESS = "address", _("IP address")
        URL = "url", _("URL")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="canaries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="canaries")
    inject = models.ForeignKey(Inject, on_delete=models.CASCADE, related_name="canaries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=300)
    key = models.CharField(max_length=40, db_index=True)  # intel.correlation.value_key of the value
    is_decoy = models.BooleanField(default=False)
    planned_at = models.DateTimeField()
    indicator_id = models.CharField(max_length=120, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["team", "planned_at"]

    def __str__(self) -> str:
        return self.value


class Evidence(models.Model):
    """The first proof of one capability on one canary by one team (sighting, incident report, sharing)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="evidence")
    canary = models.ForeignKey(Canary, on_delete=models.CASCADE, related_name="evidence")
    capability = models.CharField(max_length=12, choices=Capability.choices)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=200)  # the sighting's STIX id, the incident's reference...

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["canary", "capability"], name="drill_evidence_first_only")
        ]

    def __str__(self) -> str:
        return f"{self.capability}: {self.canary}"


class ManualScore(models.Model):
    """An evaluator's score and comment on one team's expectation, for what no machine can judge."""

    expectation = models.ForeignKey(Expectation, on_delete=models.CASCADE, related_name="manual_scores")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="manual_scores")
    score = models.PositiveIntegerField()
    comment = models.TextField()
    evaluator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["expectation", "team"], name="drill_manual_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.score}"


class Finding(models.Model):
    """One finding of the after-action report, with the improvement it calls for, its owner and due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField()
    improvement = models.TextField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering: ClassVar = ["due", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class HotWash(models.Model):
    """A player's answers to the hot-wash questionnaire, the same day the drill ends."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hotwash")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hotwash")
    respondent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    went_well = models.TextField(_("what went well"))
    to_improve = models.TextField(_("what to improve"))
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["exercise", "respondent"], name="drill_hotwash_once")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.respondent}"
