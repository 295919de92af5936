"""Answers worked out once per page view: the same question asked again in one request costs nothing.

A page asks "which collections may this actor read?" (and the like) many times: once for each list,
count and panel it shows. Inside a read-only request (GET, HEAD) the answer cannot change, so the first
answer is kept until the response is made. Anywhere else (a form post, a task, the command line, a test
without a request) nothing is kept and every call works it out afresh; any model saved or deleted
during the request empties what was kept, so a read after a write sees the write.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("lionrock_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Keeps answers for the duration of the block (one read-only request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or the answer it gave earlier in this read-only request for the same key."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def memo_forget(**_: Any) -> None:
    """Forgets every kept answer: something was written."""
    memo = _memo.get()
    if memo:
        memo.clear()


post_save.connect(memo_forget, dispatch_uid="lionrock.request_memo.save")
post_delete.connect(memo_forget, dispatch_uid="lionrock.request_memo.delete")
m2m_changed.connect(memo_forget, dispatch_uid="lionrock.request_memo.m2m")


class RequestMemoMiddleware:
    """Keeps answers for the length of each GET or HEAD request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with request_memo():
            return self.get_response(request)
