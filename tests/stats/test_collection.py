"""The collector pause around statistics answers: always resumed, shared by nested and
concurrent answers, never turning on a collector someone else turned off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from badge_issuer.stats.collection import paused_collection


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if enabled else gc.disable)()


class TestPausedCollection:
    def test_pauses_inside_and_resumes_after(self) -> None:
        with paused_collection():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_resumes_after_an_exception(self) -> None:
        with pytest.raises(RuntimeError), paused_collection():
            raise RuntimeError("boom")
        assert gc.isenabled()

    def test_nested_pauses_resume_after_the_outer_one(self) -> None:
        with paused_collection():
            with paused_collection():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_leaves_a_collector_that_was_off_off(self) -> None:
        gc.disable()
        with paused_collection():
            pass
        assert not gc.isenabled()

    def test_works_as_a_decorator(self) -> None:
        @paused_collection()
        def inside() -> bool:
            return gc.isenabled()

        assert inside() is False
        assert gc.isenabled()

    def test_concurrent_answers_resume_after_the_last_one_ends(self) -> None:
        first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
        seen: dict[str, bool] = {}

        def first() -> None:
            with paused_collection():
                first_in.set()
                second_in.wait(5)
            seen["after first"] = gc.isenabled()
            first_out.set()

        def second() -> None:
            first_in.wait(5)
            with paused_collection():
                second_in.set()
                first_out.wait(5)
                seen["second, after first ended"] = gc.isenabled()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert seen == {"after first": False, "second, after first ended": False}
        assert gc.isenabled()
