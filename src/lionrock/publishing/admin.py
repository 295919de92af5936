"""Admin: templates and published versions are read here; releases are worked on in the press pages."""

from django.contrib import admin

from lionrock.publishing.models import ReleaseTemplate


@admin.register(ReleaseTemplate)
class ReleaseTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("kind", "language", "version", "organisation", "created_at")
    list_filter = ("kind", "language")
    readonly_fields = (
        "kind",
        "language",
        "version",
        "organisation",
        "title",
        "body",
        "phrases",
        "note",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
