import csv
import io

import pytest

from lionrock.core.csvsafe import cell_neutralise, csv_line, csv_writer


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(start):
    assert (
        cell_neutralise(f'{start}HYPERLINK("http://x.example")') == f'\'{start}HYPERLINK("http://x.example")'
    )


def test_ordinary_text_and_numbers_pass_unchanged():
    assert cell_neutralise("evil.example") == "evil.example"
    assert cell_neutralise("a=b") == "a=b"
    assert cell_neutralise(-3) == -3
    assert cell_neutralise("") == ""


def test_a_written_line_reads_back_as_the_neutralised_cells():
    line = csv_line(["=1+1", "plain, with a comma", 7])
    assert next(csv.reader(io.StringIO(line))) == ["'=1+1", "plain, with a comma", "7"]


def test_the_writer_neutralises_every_row():
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerows([["@SUM(A1)"], ["ok"]])
    assert buffer.getvalue() == "'@SUM(A1)\nok\n"
