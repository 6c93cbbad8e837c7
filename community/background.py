"""A per-process worker thread woken after a commit: work the request should not wait for (sending mail, …) runs
there; with `sync` (tests) it runs before the request returns."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Waker:
    """Runs `work()` in one daemon thread of this process whenever woken, and every `interval` seconds anyway (to
    retry what failed). `work` must catch what it expects; anything else is logged and the thread goes on."""

    def __init__(self, name: str, work: Callable[[], object], sync: bool = False, interval: float = 30):
        self.name, self.work, self.sync, self.interval = name, work, sync, interval
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        if self.sync:
            # In a thread of its own even when waited for: the work must not share the request's session.
            worker = threading.Thread(target=self._once, name=self.name, daemon=True)
            worker.start()
            worker.join()
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        self._wake.set()

    def _once(self) -> None:
        try:
            self.work()
        except Exception:  # a bug in the work must not kill the thread that retries it
            log.exception("%s failed; it runs again on the next wake-up", self.name)

    def _run(self) -> None:
        while True:
            self._wake.wait(timeout=self.interval)
            self._wake.clear()
            self._once()
