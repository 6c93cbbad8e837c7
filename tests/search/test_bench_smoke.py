"""The benchmark script still runs end to end (on a tiny corpus; the real run is by hand)."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench/search_bench.py"


def test_search_bench_runs_on_300_documents(capsys):
    spec = importlib.util.spec_from_file_location("search_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--docs", "300", "--queries", "30", "--procs", "1"]) == 0
    table = capsys.readouterr().out
    assert "300 documents" in table
    assert "whoosh bigram+sudachi" in table and "sqlite fts5 trigram MATCH" in table
