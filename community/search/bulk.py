"""Full rebuilds of the search index: whole segments written straight through the codec, in worker processes.

Whoosh's own writer sends every posting through a pool that pickles, sorts and spills it to temporary
files, then looks up each posting's field length on disk again and writes it through a per-posting
``add_posting``: 100,000 documents took some 620 s with two processes. Here each process keeps the
tokens of its documents in flat arrays, sorts them once with NumPy and writes the posting blocks itself.

The files are those of ``ArrayCodec`` (Whoosh's W3 files with array-encoded posting blocks), readable by
Whoosh and by ``vector.py``: the same terms, postings (docnum, weight, value), term statistics, field
lengths, stored fields and columns as ``SegmentWriter.add_document`` produces with that codec
(``tests/search/test_bulk.py`` compares them block by block). ``bulk_postings`` collects the postings,
``bulk_segment`` writes one segment; this module runs the build (here or in worker processes) and writes
the table of contents.

With ``procs > 1`` worker processes each build their own segment from chunks of documents that the
parent sends (the parent's document generator reads the database, so it stays in the parent); the
parent then writes the table of contents listing every worker's segment. Workers are spawned, not
forked, so the main module of the calling program must be importable without side effects (the
usual ``if __name__ == "__main__":`` guard; the ``community`` command and pytest have it).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import queue
import shutil
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage

from .bulk_segment import Segments, segment_tokens
from .schema import build_schema, write_layout
from .whoosh_internals import DEF_INDEX_NAME, write_toc

# The most chunks of documents waiting for one worker process.
QUEUED_CHUNKS = 3
_WORKER_POLL = 0.2  # seconds between checks that the workers are still alive


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


def _chunks(docs: Iterable[Mapping[str, Any]], size: int):
    chunk = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(folder: str | Path, docs: Iterable[Mapping[str, Any]], progress: Callable[[int], Any] | None = None,
          procs: int = 1, progress_every: int = 1000, limitmb: int = 256) -> int:
    """Create a new index in the empty ``folder`` holding ``docs``; returns how many were added.

    ``progress(n)`` is called with the number of documents analysed since its last call; each process
    starts a new segment after ``limitmb`` megabytes of tokens (see :func:`segment_tokens`). On any
    error the exception is raised (a worker's with its traceback) and the folder's contents are
    left for the caller to remove: no worker process is running any more by then.
    """
    folder = str(folder)
    tokens = segment_tokens(limitmb)
    schema = build_schema()
    storage = FileStorage(folder)
    index.create_in(folder, schema)
    if procs > 1:
        segments, count = _build_parallel(folder, docs, progress, procs, progress_every, tokens)
    else:
        segments, count = _build_here(storage, schema, docs, progress, progress_every, tokens)
    write_toc(storage, schema, segments)
    write_layout(folder)
    shutil.rmtree(Path(folder) / f"{DEF_INDEX_NAME}.tmp", ignore_errors=True)
    return count


def _build_here(storage, schema, docs, progress, progress_every: int, segment_tokens: int):
    builder = Segments(storage, schema, segment_tokens)
    count = pending = 0
    try:
        for doc in docs:
            builder.add(doc)
            count += 1
            pending += 1
            if progress is not None and pending >= progress_every:
                progress(pending)
                pending = 0
        segments = builder.finish()
    except BaseException:
        builder.cancel()
        raise
    if progress is not None and pending:
        progress(pending)
    return segments, count


def _worker(folder: str, inbox, outbox, segment_tokens: int) -> None:
    """Worker process: analyse chunks of documents until None arrives, then write the segments."""
    try:
        builder = Segments(FileStorage(folder), build_schema(), segment_tokens)
        while True:
            payload = inbox.get()
            if payload is None:
                break
            # The parent process's own documents, through the spawn queue: nothing from outside.
            chunk = pickle.loads(payload)  # noqa: S301  # nosec B301
            for doc in chunk:
                builder.add(doc)
            outbox.put(("progress", len(chunk)))
        outbox.put(("done", builder.finish()))
    except BaseException as exc:  # reported to the parent, which raises it
        text = traceback.format_exc()
        try:
            # Only checks that the parent can receive the exception this process made.
            pickle.loads(pickle.dumps(exc))  # noqa: S301  # nosec B301
        except Exception:
            exc = None
        outbox.put(("error", exc, text))


def _build_parallel(folder: str, docs, progress, procs: int, chunk_docs: int, segment_tokens: int):
    # spawn, not fork: the calling process may be a web server with threads (a forked child would
    # inherit locks held by them), and a worker needs nothing of the parent's state.
    ctx = multiprocessing.get_context("spawn")
    outbox = ctx.Queue()
    inboxes = [ctx.Queue(maxsize=QUEUED_CHUNKS) for _ in range(procs)]
    workers = [
        ctx.Process(target=_worker, args=(folder, inbox, outbox, segment_tokens), name=f"search-build-{n}",
                    daemon=True)
        for n, inbox in enumerate(inboxes)
    ]
    state = {"segments": [], "finished": 0}

    def handle(message) -> None:
        kind = message[0]
        if kind == "progress":
            if progress is not None:
                progress(message[1])
        elif kind == "done":
            state["segments"].extend(message[1])
            state["finished"] += 1
        else:
            _, exc, text = message
            remote = WorkerError(f"a search index build worker failed:\n{text}")
            if exc is None:
                raise remote
            raise exc from remote

    def wait(timeout: float) -> None:
        """Handle the workers' messages for up to ``timeout`` seconds; raise if a worker has died."""
        with contextlib.suppress(queue.Empty):
            handle(outbox.get(timeout=timeout))
        while True:
            try:
                handle(outbox.get_nowait())
            except queue.Empty:
                break
        dead = [w for w in workers if w.exitcode is not None and w.exitcode != 0]
        if dead:
            # Its last messages may still be in the pipe; an error report explains more than an exit code.
            try:
                while True:
                    handle(outbox.get(timeout=_WORKER_POLL))
            except queue.Empty:
                pass
            raise WorkerError(f"search index build worker {dead[0].name} exited with code {dead[0].exitcode}")

    count = 0
    try:
        for worker in workers:
            worker.start()
        turn = 0
        for chunk in _chunks(docs, max(1, chunk_docs)):  # each chunk is reported as done: the progress step
            count += len(chunk)
            # Pickled here rather than in the queue's feeder thread, which would only log a failure.
            payload = pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL)
            while True:  # give the chunk to the first worker with room, starting after the last one
                for k in range(procs):
                    inbox = inboxes[(turn + k) % procs]
                    try:
                        inbox.put_nowait(payload)
                    except queue.Full:
                        continue
                    turn = (turn + k + 1) % procs
                    break
                else:
                    wait(_WORKER_POLL)
                    continue
                break
            wait(0)
        for inbox in inboxes:  # no more documents
            while True:
                try:
                    inbox.put(None, timeout=_WORKER_POLL)
                    break
                except queue.Full:
                    wait(0)
        while state["finished"] < procs:
            wait(_WORKER_POLL)
            if state["finished"] < procs and all(w.exitcode is not None for w in workers):
                wait(_WORKER_POLL)  # a last message may still be on its way
                if state["finished"] < procs:
                    raise WorkerError("search index build workers stopped without finishing their segments")
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            if worker.pid is not None:
                worker.join()
        for q in (*inboxes, outbox):
            q.cancel_join_thread()  # nothing waits for chunks a dead worker will never read
            q.close()
    return state["segments"], count
