"""Who is who: organisations, their people, and the roles and tokens those people act with."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.roles import Role


class Organisation(models.Model):
    """An agency, operator or provider; every record in the platform belongs to one."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government bureau or department")
        CERT = "cert", _("Computer emergency response team")
        INFRASTRUCTURE = "infrastructure", _("Internet infrastructure operator")
        PUBLIC_BODY = "public_body", _("Public body")
        LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement agency")
        SUPPORT_SERVICE = "support_service", _("Support-service provider / NGO")

    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        TELECOMS = "telecoms", _("Telecommunications and ISP")
        INTERNET_EXCHANGE = "internet_exchange", _("Internet exchange")
        DOMAIN_REGISTRY = "domain_registry", _("Domain registry")
        DATA_CENTRE = "data_centre", _("Data centre and cloud")
        CYBERSECURITY = "cybersecurity", _("Cybersecurity")
        TRANSPORT = "transport", _("Transport")
        SPORTS_AND_EVENTS = "sports_events", _("Sports and major events")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        SOCIAL_SERVICES = "social_services", _("Social services")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, default=Sector.OTHER)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.short_name or self.name_en

    def display_name(self, language: str | None = None) -> str:
        """The name in the reader's language, falling back to English."""
        if language and language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name_en


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; what they may do comes from memberships."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        TRADITIONAL_CHINESE = "zh-hant", "繁體中文"

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    must_change_password = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering: ClassVar = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class Membership(models.Model):
    """A user's place in an organisation; the roles hang off it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class MembershipRole(models.Model):
    """One role granted through one membership (see roles.py for the catalogue)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["membership", "role"], name="membershiprole_unique")
        ]

    def __str__(self) -> str:
        return self.role


class ApiToken(models.Model):
    """A revocable credential for machines (TAXII clients, SIEMs, the matcher); only its digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
