"""The server's own time for each response, in a `Server-Timing` header.

A page's time as a user's browser measures it includes the network and the browser's own work; what the
platform answers for is the time from the request reaching the application to its response being ready.
Browsers' developer tools show this header beside their own timings, and the page benchmarks read it, so
the figure an operator sees and the one the docs give are the same measurement. The wrapper sits outside
Django (around the WSGI application), so the time covers every middleware, the view, its queries and the
template, but not the HTTP server's own parsing of the request or its writing of the response.

A client learns nothing from it that the wall time of its own request does not already tell it, less the
network's noise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import perf_counter
from typing import Any

StartResponse = Callable[..., Any]
WsgiApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class ServerTiming:
    """Wraps a WSGI application; each response gets `Server-Timing: app;dur=<milliseconds>`."""

    def __init__(self, application: WsgiApplication) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = perf_counter()

        def timed_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # Django calls this once the response is built (a streamed body is timed to its start).
            headers.append(("Server-Timing", f"app;dur={(perf_counter() - started) * 1000:.1f}"))
            return start_response(status, headers, exc_info)

        return self.application(environ, timed_start_response)
