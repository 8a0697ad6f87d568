"""The helper process that draws some of a chart asset's years: the same results, in order, whoever
computed them; an item that raises raises in the caller; what cannot go to the helper is done here."""

import importlib
import io
import operator
import os
import pickle
import time
from functools import partial

import polars as pl
import pytest

from assets.reporting import chart_worker
from assets.reporting.chart_cache import _CHARTS, chart_key
from assets.reporting.chart_files import publish_charts, render_chart
from assets.reporting.chart_worker import shared_map
from assets.terug_in_balans.charts import draw_skills
from pipelines.resources import ReportSettings

# A helper that hangs here (the fault some tests look for) fails the test in a minute, not the suite's ten.
pytestmark = pytest.mark.timeout(60)


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def skills(year: int) -> pl.DataFrame:
    return pl.DataFrame({"skill": ["Grenzen stellen", "Ontspannen", f"Hulp vragen {year}"],
                         "pct_strengthened": [80.0, 60.0, 40.0], "pct_still_applied": [70.0, 50.0, 20.0],
                         "n_respondents": [30, 30, 30]})


@pytest.fixture(scope="module")
def importable():
    # pytest imports this file as a top-level module; the helper imports it by its package name.
    return importlib.import_module("tests.test_chart_worker")


def test_both_processes_work_and_the_results_keep_the_items_order(importable):
    shared_map(importable.sleep_then_pid, [0.0] * chart_worker.MIN_ITEMS, preload=["tests.test_chart_worker"])
    with chart_worker._helper_lock:
        pass  # held until the helper started for those items is ready (they were done here meanwhile)
    pids = shared_map(importable.sleep_then_pid, [0.3] * 8)
    assert os.getpid() in pids and len(set(pids)) == 2
    # This process takes the items from the front, the helper from the back.
    assert pids[0] == os.getpid() and pids[-1] != os.getpid()
    assert shared_map(partial(operator.mul, 3), list(range(10))) == [3 * i for i in range(10)]


def test_an_item_that_raises_raises_here():
    with pytest.raises(ZeroDivisionError):
        shared_map(partial(operator.truediv, 1.0), [1.0, 2.0, 4.0, 0.0, 8.0])


def test_what_cannot_be_sent_is_done_here():
    assert shared_map(lambda x: x + 1, [1, 2, 3, 4]) == [2, 3, 4, 5]
    assert shared_map(abs, [-1, -2, -3, -4], send=lambda item: False) == [1, 2, 3, 4]


def test_charts_drawn_by_the_helper_are_the_bytes_drawn_here(tmp_path):
    years = range(2016, 2024)
    reports = ReportSettings(output_dir=str(tmp_path))
    publish_charts(reports, "terug_in_balans", "tib_skills", {y: partial(draw_skills, skills(y)) for y in years})
    for year in years:
        png, svg, _ = render_chart((partial(draw_skills, skills(year)), False))
        folder = tmp_path / "terug_in_balans" / str(year)
        assert (folder / "tib_skills.png").read_bytes() == png
        assert (folder / "tib_skills.svg").read_bytes() == svg
        # kept for the reports of this run
        kept = _CHARTS[chart_key(draw_skills, (skills(year),), {})]
        assert kept.svg == svg


def sleep_then_divide(item: tuple) -> float:
    seconds, divisor = item
    time.sleep(seconds)
    return 1.0 / divisor


def exit_in_helper(item: tuple) -> int:
    """The helper (not this process) dies on the item marked so, or hangs on it."""
    parent, how, value = item
    if os.getpid() != parent and how == "exit":
        os._exit(3)
    if os.getpid() != parent and how == "hang":
        time.sleep(3600)
    time.sleep(0.3)
    return value


def _ready_helper(importable) -> None:
    shared_map(importable.sleep_then_pid, [0.0] * chart_worker.MIN_ITEMS, preload=["tests.test_chart_worker"])
    with chart_worker._helper_lock:
        pass  # held until the helper started for those items is ready


def _both_processes_work(importable) -> None:
    _ready_helper(importable)
    assert len(set(shared_map(importable.sleep_then_pid, [0.3] * 8))) == 2


def test_an_item_that_raises_in_the_helper_raises_here_and_is_no_result(importable):
    _ready_helper(importable)
    # The helper takes items from the back: the one that raises is the helper's.
    with pytest.raises(ZeroDivisionError):
        shared_map(importable.sleep_then_divide, [(0.3, 1.0)] * 7 + [(0.0, 0.0)])


@pytest.mark.parametrize("how", ["exit", "hang"])
def test_a_helper_that_dies_or_hangs_loses_no_item_and_a_new_one_takes_its_place(importable, monkeypatch, how):
    _ready_helper(importable)
    items = [(os.getpid(), "", i) for i in range(7)] + [(os.getpid(), how, 7)]
    with monkeypatch.context() as patch:
        # The hang is given up on at once (not so a new helper's start, which takes seconds).
        patch.setattr(chart_worker, "REPLY_SECONDS", 1)
        assert shared_map(importable.exit_in_helper, items) == list(range(8))
        with chart_worker._helper_lock:
            pass  # the helper side is done with the failed helper
    _both_processes_work(importable)


def test_the_helper_stops_at_the_first_item_that_may_not_go(importable):
    _ready_helper(importable)
    # The helper takes items from the back, so the one that may not go keeps every item here.
    pids = shared_map(importable.sleep_then_pid, [0.3] * 7 + [0.31], send=lambda seconds: seconds != 0.31)
    assert set(pids) == {os.getpid()}


def write_to_stdout_then_pid(seconds: float) -> int:
    os.write(1, b"\n" * 8)  # what a C library prints goes to file descriptor 1, past sys.stdout
    time.sleep(seconds)
    return os.getpid()


def test_what_the_helper_prints_past_python_does_not_garble_its_answers(importable):
    _ready_helper(importable)
    pids = shared_map(importable.write_to_stdout_then_pid, [0.3] * 8)
    assert len(set(pids)) == 2


def test_a_message_cut_off_by_a_helper_that_died_is_an_end_of_input_not_a_shorter_message():
    cut = (100).to_bytes(8, "little") + pickle.dumps(list(range(50)))[:10]
    with pytest.raises(EOFError):
        chart_worker._read_message(io.BytesIO(cut))
