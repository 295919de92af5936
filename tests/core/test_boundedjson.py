import pytest

from lionrock.core.boundedjson import MAX_DEPTH, JsonTooDeep, json_depth_exceeds, json_loads_bounded


def test_a_shallow_document_reads_as_json_does():
    assert json_loads_bounded('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 100_000])
def test_a_document_deeper_than_the_limit_is_refused_as_a_value_error(depth):
    with pytest.raises(JsonTooDeep) as refused:
        json_loads_bounded("[" * depth + "]" * depth)
    assert isinstance(refused.value, ValueError)


def test_the_limit_itself_is_accepted():
    assert not json_depth_exceeds(json_loads_bounded("[" * MAX_DEPTH + "]" * MAX_DEPTH))
