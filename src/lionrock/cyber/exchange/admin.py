"""Feeds and their polls for inspection; imports carry object bodies and stay out of the admin."""

from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.cyber.exchange.models import Feed, FeedPoll


@admin.register(Feed)
class FeedAdmin(InspectionAdmin):
    list_display = ("name", "url", "collection", "is_active", "last_success_at", "consecutive_failures")
    exclude = ("secret_sealed",)


@admin.register(FeedPoll)
class FeedPollAdmin(InspectionAdmin):
    list_display = ("feed", "started_at", "outcome", "received", "added", "duplicates", "rejected")
