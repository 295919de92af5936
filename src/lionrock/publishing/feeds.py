"""An Atom feed of published releases per language (Django's syndication framework)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from lionrock.core.accounts.access import NotFound
from lionrock.publishing import selectors, wording
from lionrock.publishing.models import ReleaseVersion


class ReleasesFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, language: str) -> str:
        if language not in (wording.ENGLISH, wording.CHINESE):
            raise NotFound(language)
        return language

    def title(self, language: str) -> str:
        return "Lionrock 新聞公報" if wording.is_chinese(language) else "Lionrock press releases"

    def subtitle(self, language: str) -> str:
        return "已發布的新聞公報" if wording.is_chinese(language) else "Press releases as published"

    def link(self, language: str) -> str:
        return reverse("press:index") + f"?lang={language}"

    def feed_url(self, language: str) -> str:
        return reverse("press:feed", args=[language])

    def items(self, language: str) -> list[ReleaseVersion]:
        return list(selectors.releases_public()[:50])

    def item_title(self, item: ReleaseVersion) -> str:
        return item.title(self._language)

    def item_description(self, item: ReleaseVersion) -> str:
        return item.body(self._language)

    def item_link(self, item: ReleaseVersion) -> str:
        return reverse("press:release", args=[item.release.reference]) + f"?lang={self._language}"

    def item_guid(self, item: ReleaseVersion) -> str:
        return f"lionrock:press:{item.release.reference}:{self._language}:v{item.number}"

    def item_pubdate(self, item: ReleaseVersion) -> datetime:
        return item.release.versions.order_by("number").first().published_at  # type: ignore[union-attr]

    def item_updateddate(self, item: ReleaseVersion) -> datetime:
        return item.published_at

    def get_feed(self, obj: str, request: HttpRequest):  # type: ignore[no-untyped-def]
        self._language = obj
        feed = super().get_feed(obj, request)
        feed.feed["language"] = "zh-Hant-HK" if wording.is_chinese(obj) else "en-HK"
        return feed
