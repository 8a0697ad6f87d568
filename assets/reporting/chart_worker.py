"""A second process that draws charts while this one draws others.

A run executes in one process (in_process_executor), and drawing a chart is CPU-bound Python that
threads cannot share (the GIL): ten years of one chart took one core while the other stood idle.
`shared_map` hands part of a list of items to one helper process: this process takes items from the
front, the helper from the back, until none are left. The helper only ever gets an item once it is
ready, so a short list is never kept waiting for a helper that is still starting.

The helper is our own subprocess, not a multiprocessing pool: with spawn and forkserver the child
runs the parent's main script again when it has no `if __name__ == "__main__"` guard (a script that
materialises assets would run its job a second time), and fork copies the locks of the threads
polars and DuckDB keep running. Items and results travel pickled over the child's stdin and stdout.

Whatever goes wrong in the helper (it died, or an item raised there), that item is done here
instead, so a real error is raised in this process with its own traceback and nothing is lost.

Memory: the helper holds one chart at a time (up to ~0.4 GB for the largest, in a second process
beside this one's); a second after its last item it frees what that left, and after IDLE_SECONDS
without work it exits.
"""

import atexit
import ctypes
import gc
import importlib
import logging
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from pathlib import Path

# A helper nobody asked for in this long exits: idle it still holds ~180 MB (its imports), and the
# reports that follow the charts in a run take the most memory of any step. Long enough to outlive
# the steps between one chart asset and the next (a few seconds), so it usually starts once per
# run; a new one takes about three seconds of imports, beside this process' own work.
IDLE_SECONDS = 10
MIN_ITEMS = 3  # fewer are done sooner here than a helper takes to start
REPLY_SECONDS = 300  # a year's chart takes seconds; its imports, a new helper's first answer, too
_ROOT = str(Path(__file__).resolve().parents[2])  # the folder `assets` is imported from

_log = logging.getLogger(__name__)
_helper = None
_broken = os.name != "posix"  # select() does not take pipes on Windows
# One caller at a time. Taken by the caller's helper thread, never by the caller itself: a caller
# whose helper is still busy with the last one's items (or starting) does not wait for it.
_helper_lock = threading.Lock()


class _HelperFailed(Exception):
    pass


# Length-prefixed pickles: a message that fails to unpickle leaves the stream at the next one.
def _write_message(stream, payload: bytes) -> None:
    stream.write(len(payload).to_bytes(8, "little"))
    stream.write(payload)
    stream.flush()


def _read_message(stream) -> bytes:
    size = int.from_bytes(_read_exactly(stream, 8), "little")
    return _read_exactly(stream, size)


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError(f"{len(data)} of {size} bytes")
    return data


class _Helper:
    def __init__(self, preload: list[str]):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
        # stderr is inherited: the helper's warnings land where this process' do.
        self.proc = subprocess.Popen([sys.executable, "-m", __name__, str(IDLE_SECONDS), *preload],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.ready = False
        self.last_used = time.monotonic()

    def usable(self) -> bool:
        # With a margin, so it is not asked for anything just as it decides to exit.
        return self.proc.poll() is None and time.monotonic() - self.last_used < IDLE_SECONDS - 2

    def _receive(self):
        # A helper that hangs must not hang the asset: it is stopped and the item done here.
        if not select.select([self.proc.stdout], [], [], REPLY_SECONDS)[0]:
            self.proc.kill()
            raise _HelperFailed(f"no answer from the chart helper in {REPLY_SECONDS} s")
        try:
            return pickle.loads(_read_message(self.proc.stdout))
        except (EOFError, OSError) as e:
            raise _HelperFailed(f"chart helper stopped ({e!r})") from e

    def wait_ready(self) -> None:
        if not self.ready:
            self._receive()
            self.ready = True
            self.last_used = time.monotonic()  # its idle time starts now, not when it was started

    def call(self, func: Callable, item):
        try:
            # Pickled whole before anything is written: an item that does not pickle leaves no
            # half message in the pipe.
            message = pickle.dumps((func, item), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:
            raise _HelperFailed(f"could not pickle for the chart helper ({e!r})") from e
        try:
            _write_message(self.proc.stdin, message)
        except OSError as e:
            raise _HelperFailed(f"chart helper stopped ({e!r})") from e
        ok, value = self._receive()
        self.last_used = time.monotonic()
        if not ok:
            _log.debug("chart helper could not do an item; done here instead:\n%s", value)
            raise _HelperFailed(value)
        return value

    def close(self) -> None:
        try:
            self.proc.stdin.close()  # the helper exits at the end of its input
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


def _helper_for(preload: list[str]) -> "_Helper | None":
    """The helper, started if need be (call with _helper_lock held); None if helpers fail here."""
    global _helper, _broken
    if _broken:
        return None
    if _helper is not None and not _helper.usable():
        _helper.close()
        _helper = None
    try:
        if _helper is None:
            _helper = _Helper(preload)
        _helper.wait_ready()
    except (OSError, _HelperFailed):
        _broken = True  # it could not even start (say, an import fails): no use trying again
        if _helper is not None:
            _helper.close()
        _helper = None
    return _helper


@atexit.register
def _close_helper() -> None:
    global _helper
    if _helper is not None:
        _helper.close()
        _helper = None


def shared_map(func: Callable, items: list, send: Callable[[object], bool] = lambda item: True,
               preload: list[str] = ()) -> list:
    """[func(item) for item in items], some of them computed by the helper process.

    `func` and the items it gets must pickle (module-level functions, functools.partial of them,
    frames); `send(item)` says whether an item may go (the helper stops at the first that may not).
    `preload`: modules the helper imports before it says it is ready (those `func` and the items
    need), so that the import is not counted against the first item it takes."""
    todo = deque(range(len(items)))
    results: dict[int, object] = {}
    changed = threading.Condition()
    in_helper = [0]  # items the helper is working on (0 or 1)

    def helper_side() -> None:
        try:
            with _helper_lock:
                helper = _helper_for(list(preload))
                while helper is not None:
                    with changed:
                        if not todo or not send(items[todo[-1]]):
                            return
                        i = todo.pop()
                        in_helper[0] += 1
                    try:
                        results[i] = helper.call(func, items[i])
                    except _HelperFailed:
                        with changed:
                            todo.append(i)  # done here instead (raising here if it raises)
                        return
                    finally:
                        with changed:
                            in_helper[0] -= 1
                            changed.notify_all()
        finally:
            with changed:
                changed.notify_all()

    if sum(map(send, items)) >= MIN_ITEMS:
        threading.Thread(target=helper_side, name="chart-helper", daemon=True).start()
    try:
        while True:
            with changed:
                while not todo and in_helper[0]:
                    changed.wait()
                if not todo:
                    break
                i = todo.popleft()
            results[i] = func(items[i])
    except BaseException:
        with changed:
            todo.clear()  # the helper finishes what it has and stops
        raise
    return [results[i] for i in range(len(items))]


def _give_memory_back() -> None:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed memory for reuse otherwise
    except (OSError, AttributeError):
        pass  # not glibc


def _serve(idle_seconds: float, preload: list[str]) -> None:
    """The helper's side: results on the original stdout, which nothing else may write to."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent; we stop when it closes our input
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr instead of into a result
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    for module in preload:
        importlib.import_module(module)
    _write_message(out, pickle.dumps("ready"))
    tidy = True
    while True:
        # A second without work: the last item's figure is garbage, and held by reference cycles
        # that only a full collection frees (a large chart's canvas is tens of MB).
        if not select.select([inp], [], [], idle_seconds if tidy else 1.0)[0]:
            if tidy:
                return  # idle: the parent starts a new helper when it needs one
            _give_memory_back()
            tidy = True
            continue
        tidy = False
        try:
            message = _read_message(inp)
        except EOFError:
            return  # the parent closed our input or exited
        try:
            func, item = pickle.loads(message)
            reply = pickle.dumps((True, func(item)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            reply = pickle.dumps((False, traceback.format_exc()))
        _write_message(out, reply)


if __name__ == "__main__":
    try:
        _serve(float(sys.argv[1]), sys.argv[2:])
    except BrokenPipeError:
        pass  # the parent is gone: nobody is left to answer

