"""`newsdesk ingest big.jsonl`: a JSON Lines file over the 20 MB upload limit is streamed, and its
bad lines are printed by line number while the rest are stored."""
from __future__ import annotations

import json
from pathlib import Path

from index.readers import MAX_FILE_BYTES
from tests.cli.test_cli import newsdesk


def test_cli_streams_a_jsonl_over_the_upload_limit_and_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    good = [json.dumps({"title": f"Ferry {n} sails", "text": f"Ferry {n} left the harbour at dawn."}) for n in (1, 3)]
    padded = good[1] + " " * (MAX_FILE_BYTES + 1024)  # one long line: past the limit, quickly written
    path.write_text("\n".join([good[0], "{not json", padded, '{"title": "No text"}']) + "\n", encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    home = tmp_path / "home"
    run = newsdesk(home, "ingest", str(path))
    assert run.returncode == 1, run.stderr
    assert f"rejected  {path}:2: not valid JSON" in run.stderr
    assert f"rejected  {path}:4: missing 'text'" in run.stderr
    assert "2 added, 0 unchanged, 0 replaced, 2 rejected" in run.stderr
    again = newsdesk(home, "ingest", "-q", str(path))
    assert "0 added, 2 unchanged, 0 replaced, 2 rejected" in again.stderr
    assert newsdesk(home, "articles").stdout.count("\n") == 2
