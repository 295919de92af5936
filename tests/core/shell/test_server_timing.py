import re
import time
from wsgiref.util import setup_testing_defaults

import pytest

from lionrock.config.wsgi import application
from lionrock.core.shell.server_timing import ServerTiming

pytestmark = pytest.mark.django_db(transaction=True)


def _call(app, path="/healthz"):
    environ: dict = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", "SERVER_NAME": "127.0.0.1"}
    setup_testing_defaults(environ)
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"], answered["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return answered["status"], answered["headers"], body


def test_the_deployed_application_times_each_response():
    status, headers, body = _call(application)
    assert status.startswith("200")
    assert b'"status"' in body
    assert re.fullmatch(r"app;dur=\d+\.\d", headers["Server-Timing"])


def test_the_time_covers_the_application_and_not_more():
    def slow(environ, start_response):
        time.sleep(0.05)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    _status, headers, body = _call(ServerTiming(slow))
    assert body == b"done"
    duration = float(headers["Server-Timing"].removeprefix("app;dur="))
    assert duration >= 50.0


def test_an_error_response_is_timed_too():
    status, headers, _body = _call(application, "/no-such-page/")
    assert status.startswith("404")
    assert headers["Server-Timing"].startswith("app;dur=")
