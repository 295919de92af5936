import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from lionrock.core.request_memo import RequestMemoMiddleware, memoised, request_memo
from tests.core.accounts.factories import OrganisationFactory


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_inside_a_read_only_request_an_answer_is_worked_out_once():
    count = Counter()
    with request_memo():
        assert [memoised("answer", count), memoised("answer", count)] == [1, 1]
    assert count.calls == 1


def test_outside_a_request_every_call_works_the_answer_out_afresh():
    count = Counter()
    assert [memoised("answer", count), memoised("answer", count)] == [1, 2]


@pytest.mark.django_db
def test_a_write_during_the_request_forgets_what_was_kept():
    count = Counter()
    with request_memo():
        memoised("answer", count)
        OrganisationFactory()
        assert memoised("answer", count) == 2


def test_a_form_post_keeps_nothing_between_its_questions():
    count = Counter()

    def view(request):
        memoised("answer", count)
        memoised("answer", count)
        return HttpResponse()

    middleware = RequestMemoMiddleware(view)
    middleware(RequestFactory().get("/"))
    assert count.calls == 1
    middleware(RequestFactory().post("/"))
    assert count.calls == 3
