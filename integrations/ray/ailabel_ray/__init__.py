"""Run `ailabel verify` and `ailabel stamp` over many files on a Ray cluster.

Each Ray Data task hands one batch of paths to the `ailabel` binary (NUL-separated on standard input, as
`find -print0` writes them) and reads its JSON Lines back, so a worker runs one process per batch, not
per file. A task lost with its node is run again by Ray; that is safe because both commands are
idempotent: verify only reads, and stamp writes each output atomically, and re-stamping a file that
already carries the same label and marks leaves it untouched.

    import ailabel_ray
    records = ailabel_ray.verify("/archive", profile="eu")          # a ray.data.Dataset
    records.write_parquet("/results/verify")
    ailabel_ray.stamp(["/gen/a.png", "/gen/b.jpg"], out="/labelled", ai_system="SDXL")
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

__all__ = ["verify", "stamp", "records", "VERIFY_FIELDS", "STAMP_FIELDS", "AilabelError", "find_ailabel"]

#: The fields of one `verify --format jsonl` line (a judged file, or a skipped one with `skipped` and `reason`).
VERIFY_FIELDS = ["path", "format", "verdict", "aiEvidence", "disclosures", "c2pa", "findings", "width", "height", "skipped", "reason"]
#: The fields of one `stamp --json` line.
STAMP_FIELDS = ["path", "output", "status", "format", "contentID", "labelID", "layers", "signed", "imageDataUnchanged", "warnings", "error"]

# Values that are lists or objects are kept as JSON text, so every batch has the same Arrow schema whatever
# the files carry (a file with a C2PA manifest and one without), and write_parquet can store the dataset.
_NESTED = {"aiEvidence", "disclosures", "c2pa", "findings", "layers", "warnings"}


class AilabelError(RuntimeError):
    """The ailabel binary refused the run (bad usage, exit 64) or could not be started."""


def find_ailabel(ailabel: Optional[str] = None) -> str:
    """The ailabel binary: the one given, else `ailabel` on PATH."""
    if ailabel:
        return os.path.abspath(ailabel) if os.path.sep in ailabel else (shutil.which(ailabel) or ailabel)
    found = shutil.which("ailabel")
    if not found:
        raise AilabelError("the ailabel binary is not on PATH; pass ailabel='/path/to/ailabel'")
    return found


def _flags(options: Dict[str, Any]) -> List[str]:
    """Keyword options as command-line flags: ai_system="X" -> --ai-system X, deepfake=True -> --deepfake,
    trust=["a.pem", "b.pem"] -> --trust a.pem --trust b.pem; False and None are left out."""
    arguments: List[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            arguments.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                arguments += [flag, str(item)]
        else:
            arguments += [flag, str(value)]
    return arguments


def _row(record: Dict[str, Any], fields: Sequence[str]) -> Dict[str, Any]:
    row = {}
    for field in fields:
        value = record.get(field)
        row[field] = json.dumps(value, sort_keys=True, ensure_ascii=False) if field in _NESTED and value is not None else value
    if "skipped" in row:
        row["skipped"] = bool(row["skipped"])
    return row


def records(dataset) -> List[Dict[str, Any]]:
    """The dataset's rows as the JSON objects ailabel printed (nested values parsed back, absent fields left out)."""
    result = []
    for row in dataset.take_all():
        record = {}
        skipped = bool(row.get("skipped"))
        for key, value in row.items():
            # verify writes `c2pa` on every judged file (null without a manifest); other absent fields are left out.
            if (value is None and not (key == "c2pa" and not skipped)) or (key == "skipped" and value is False):
                continue
            record[key] = json.loads(value) if key in _NESTED and value is not None else value
        result.append(record)
    return result


def _run(command: List[str], paths: Sequence[str], cwd: Optional[str] = None) -> List[Dict[str, Any]]:
    """Runs one ailabel process over `paths`; its JSON Lines parsed. Exit 1 (some file failed or has a
    failing verdict) still gives a record per file; anything else is an error of the whole batch."""
    payload = b"\0".join(os.fsencode(p) for p in paths) + b"\0"
    done = subprocess.run(command, input=payload, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    if done.returncode not in (0, 1):
        raise AilabelError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    lines = [line for line in done.stdout.decode("utf-8", errors="surrogateescape").split("\n") if line.strip()]
    return [json.loads(line) for line in lines]


def _column(batch) -> List[str]:
    """The paths of one batch: the `path` column, else the dataset's only column (e.g. read_text's `text`)."""
    if "path" in batch:
        values = batch["path"]
    elif len(batch) == 1:
        values = next(iter(batch.values()))
    else:
        raise AilabelError(f"a dataset of paths needs a 'path' column (it has {sorted(batch)})")
    return [os.fsdecode(v) if isinstance(v, bytes) else str(v) for v in values]


def _to_columns(rows: List[Dict[str, Any]], fields: Sequence[str]):
    import pyarrow as pa

    columns = {field: [row.get(field) for row in rows] for field in fields}
    types = {field: pa.string() for field in fields}
    for field in ("width", "height"):
        types[field] = pa.int64()
    for field in ("skipped", "signed", "imageDataUnchanged"):
        types[field] = pa.bool_()
    return pa.table({field: pa.array(columns[field], type=types[field]) for field in fields})


class _Verify:
    def __init__(self, command: List[str]):
        self.command = command

    def __call__(self, batch):
        paths = _column(batch)
        by_path = {}
        for record in _run(self.command, paths):
            by_path[record["path"]] = _row(record, VERIFY_FIELDS)
        # One row per path handed in, in the batch's order: verify prints every file it was given (an
        # unreadable record for a path that does not exist), skipped files last.
        rows = [by_path.get(path) or _row({"path": path, "verdict": "unreadable", "format": "unknown",
                                            "findings": [{"code": "file.unreadable", "severity": "error",
                                                          "message": "ailabel printed no record for this path"}]},
                                           VERIFY_FIELDS) for path in paths]
        return _to_columns(rows, VERIFY_FIELDS)


class _Stamp:
    def __init__(self, command: List[str], out: str, root: Optional[str]):
        self.command = command
        self.out = out
        self.root = root

    def __call__(self, batch):
        paths = _column(batch)
        # A folder's layout is mirrored under `out`: files of one sub-folder are stamped together into the
        # matching sub-folder (ailabel writes a file argument as OUT/its name).
        groups: Dict[str, List[str]] = {}
        for path in paths:
            relative = os.path.relpath(os.path.dirname(path), self.root) if self.root else ""
            groups.setdefault(relative, []).append(path)
        by_path = {}
        for relative, members in groups.items():
            target = os.path.normpath(os.path.join(self.out, relative)) if relative not in ("", ".") else self.out
            for record in _run(self.command + ["--out", target], members):
                by_path[record["path"]] = _row(record, STAMP_FIELDS)
        rows = [by_path.get(path) or _row({"path": path, "status": "failed", "error": "ailabel printed no record for this path"},
                                          STAMP_FIELDS) for path in paths]
        return _to_columns(rows, STAMP_FIELDS)


def _dataset_of_paths(paths, include_hidden: bool = False):
    """A dataset with a `path` column, and the folder it was walked from (None for a list or a dataset)."""
    import ray

    if isinstance(paths, (str, os.PathLike)):
        root = os.fspath(paths)
        if os.path.isdir(root):
            found = []
            for folder, subfolders, files in os.walk(root):
                if not include_hidden:
                    subfolders[:] = [d for d in subfolders if not d.startswith(".")]
                    files = [f for f in files if not f.startswith(".")]
                subfolders.sort()
                found += [os.path.join(folder, name) for name in sorted(files)]
            return ray.data.from_items([{"path": p} for p in sorted(found)]), root
        return ray.data.from_items([{"path": root}]), None
    if hasattr(paths, "map_batches"):
        return paths, None
    return ray.data.from_items([{"path": os.fspath(p)} for p in paths]), None


def verify(paths: Union[str, Iterable[str], Any], *, ailabel: Optional[str] = None, batch_size: int = 256,
           concurrency: Optional[int] = None, include_hidden: bool = False, **options):
    """Verifies `paths` (a list of paths, a folder, or a Ray Dataset of paths) on the cluster and returns
    a Ray Dataset with one row per file: the fields of `ailabel verify --format jsonl` (VERIFY_FIELDS;
    lists and objects as JSON text, see `records`). Keyword options are verify's flags (profile="eu",
    scan="metadata", trust=["anchors.pem"], require_trusted=True); `--fail-on` is empty, so a batch never
    fails for its verdicts."""
    binary = find_ailabel(ailabel)
    options.setdefault("fail_on", "")
    flags = _flags({k: v for k, v in options.items() if k != "fail_on"})
    command = [binary, "verify", "-0", "-", "--format", "jsonl", "--fail-on", str(options["fail_on"])] + flags
    if include_hidden:
        command.append("--include-hidden")
    dataset, _ = _dataset_of_paths(paths, include_hidden)
    return _map(dataset, _Verify(command), batch_size, concurrency)


def stamp(paths: Union[str, Iterable[str], Any], *, out: str, ailabel: Optional[str] = None, batch_size: int = 64,
          concurrency: Optional[int] = None, **options):
    """Stamps `paths` into the folder `out` (a folder argument's layout mirrored) and returns a Ray Dataset
    with one row per file: the fields of `ailabel stamp --json` (STAMP_FIELDS). Keyword options are stamp's
    flags (ai_system="SDXL", producer="Example LLP", sign_key=..., sign_chain=..., time=...). A retried
    batch writes the same outputs again, atomically; give `time=` to make them byte-identical."""
    binary = find_ailabel(ailabel)
    if "in_place" in options:
        raise AilabelError("ailabel_ray.stamp writes under out=; stamping in place is not offered")
    command = [binary, "stamp", "-0", "-", "--json"] + _flags(options)
    dataset, root = _dataset_of_paths(paths)
    return _map(dataset, _Stamp(command, os.path.abspath(out), root), batch_size, concurrency)


def _map(dataset, worker, batch_size: int, concurrency: Optional[int]):
    """map_batches with plain tasks (retried by Ray when they fail or their node is lost)."""
    def run(batch):
        return worker(batch)

    kwargs = {"concurrency": concurrency} if concurrency else {}
    return dataset.map_batches(run, batch_size=batch_size, batch_format="numpy", **kwargs)
