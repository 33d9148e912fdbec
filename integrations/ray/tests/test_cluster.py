"""ailabel_ray against a real multi-node Ray cluster on loopback: a head and two worker nodes, started
and stopped by the test (ray.cluster_utils.Cluster), over 500 generated files.

Heavy (three Ray nodes on the machine): not part of scripts/test. Run it with

    bash integrations/ray/run-tests          # makes .venv-ray with ray, builds ailabel, runs pytest

or, with ray installed and ailabel built: AILABEL_BIN=.build/debug/ailabel python -m pytest integrations/ray/tests
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

ray = pytest.importorskip("ray")
from ray.cluster_utils import Cluster  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import ailabel_ray  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BINARY = os.path.abspath(os.environ.get("AILABEL_BIN", os.path.join(REPO, ".build", "debug", "ailabel")))
FILES = 500
TIME = "2026-01-18T09:00:00Z"


def run(*arguments, **kwargs):
    return subprocess.run([BINARY, *arguments], check=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def jsonl(text):
    return [json.loads(line) for line in text.decode().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """500 files in 10 folders: small JPEGs, each distinct (an index after EOI), half of them stamped,
    and a few text files verify skips."""
    if not os.access(BINARY, os.X_OK):
        pytest.skip(f"no ailabel binary at {BINARY} (swift build --product ailabel, or AILABEL_BIN)")
    base = tmp_path_factory.mktemp("corpus")
    raw, tree = base / "raw", base / "tree"
    jpeg = open(os.path.join(REPO, "Fixtures", "media", "tiny-64x48.jpg"), "rb").read()
    for index in range(FILES):
        folder = raw / f"f{index % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 50 == 49:
            (folder / f"note{index:03d}.txt").write_text(f"note {index}\n")
        else:
            (folder / f"img{index:03d}.jpg").write_bytes(jpeg + index.to_bytes(4, "big"))
    shutil.copytree(raw, tree)
    # Stamp the even folders (in place), so the verdicts differ: compliant beside no-ai-evidence.
    for index in range(0, 10, 2):
        done = run("stamp", str(tree / f"f{index}"), "--in-place", "--time", TIME)
        assert done.returncode == 0, done.stderr.decode()
    paths = sorted(str(p) for p in tree.rglob("*") if p.is_file())
    assert len(paths) == FILES
    return {"base": base, "raw": raw, "tree": tree, "paths": paths}


@pytest.fixture(scope="module")
def cluster():
    # The head takes no tasks, so killing a worker node leaves one node to finish the run.
    # All three nodes run on this machine (Ray binds them to its own address; nothing leaves the host).
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "object_store_memory": 80 * 1024 * 1024})
    workers = [cluster.add_node(num_cpus=1, object_store_memory=80 * 1024 * 1024) for _ in range(2)]
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    yield cluster, workers
    ray.shutdown()
    cluster.shutdown()


def single_machine_verify(corpus):
    done = run("verify", str(corpus["tree"]), "--format", "jsonl", "--fail-on", "")
    assert done.returncode == 0, done.stderr.decode()
    return {record["path"]: record for record in jsonl(done.stdout)}


def test_verify_equals_single_machine(corpus, cluster):
    expected = single_machine_verify(corpus)
    assert len(expected) == FILES
    got = ailabel_ray.records(ailabel_ray.verify(corpus["paths"], ailabel=BINARY, batch_size=25))
    assert len(got) == FILES
    assert {r["path"]: r for r in got} == expected
    verdicts = {r.get("verdict") for r in got}
    assert {"compliant", "no-ai-evidence"} <= verdicts
    # A folder gives the same records.
    from_folder = ailabel_ray.records(ailabel_ray.verify(str(corpus["tree"]), ailabel=BINARY, batch_size=50))
    assert {r["path"]: r for r in from_folder} == expected


def test_dataset_in_parquet_and_json_out(corpus, cluster, tmp_path):
    """A Ray Dataset of paths in (a `path` column, as a pipeline's earlier stage makes it); the result stored
    with write_parquet and write_json and read back: the same records as a single machine's run."""
    expected = single_machine_verify(corpus)
    paths = ray.data.from_items([{"path": p} for p in corpus["paths"]])
    result = ailabel_ray.verify(paths, ailabel=BINARY, batch_size=50)
    result.write_parquet(str(tmp_path / "parquet"))
    result.write_json(str(tmp_path / "json"))
    from_parquet = ray.data.read_parquet(str(tmp_path / "parquet")).take_all()
    from_json = ray.data.read_json(str(tmp_path / "json")).take_all()
    assert len(from_parquet) == FILES and len(from_json) == FILES
    for rows in (from_parquet, from_json):
        by_path = {row["path"]: row for row in rows}
        assert set(by_path) == set(expected)
        for path, record in expected.items():
            assert by_path[path]["verdict"] == record.get("verdict"), path
            assert (by_path[path].get("format") or None) == (record.get("format") or None), path


def test_stamp_equals_single_machine(corpus, cluster, tmp_path):
    single = tmp_path / "single"
    done = run("stamp", str(corpus["raw"]), "--out", str(single), "--time", TIME, "--json")
    assert done.returncode == 0, done.stderr.decode()
    rows = ailabel_ray.records(ailabel_ray.stamp(str(corpus["raw"]), out=str(tmp_path / "ray"), ailabel=BINARY,
                                                 batch_size=40, time=TIME))
    expected = {r["path"]: r for r in jsonl(done.stdout)}
    got = {r["path"]: r for r in rows}
    assert len(rows) == FILES and set(got) == set(expected)
    for path, record in expected.items():
        other = dict(got[path])
        assert other["status"] == record["status"], path
        assert other.get("contentID") == record.get("contentID"), path
    for source in corpus["raw"].rglob("*"):
        if source.is_file() and source.suffix == ".jpg":
            relative = source.relative_to(corpus["raw"])
            assert (tmp_path / "ray" / relative).read_bytes() == (single / relative).read_bytes(), relative


def test_worker_node_killed_mid_run(corpus, cluster, tmp_path):
    """A worker node is removed while batches run on it: Ray runs its lost tasks again on the other
    node, and the result still has every file exactly once, equal to a single-machine run."""
    cluster_object, workers = cluster
    expected = single_machine_verify(corpus)
    # A slow ailabel (each batch waits 0.3 s and leaves a mark), so that the run is still going when the node goes.
    marks = tmp_path / "marks"
    marks.mkdir()
    wrapper = tmp_path / "slow-ailabel"
    wrapper.write_text(f"#!/bin/sh\nsleep 0.3\nmktemp -p '{marks}' >/dev/null\nexec '{BINARY}' \"$@\"\n")
    wrapper.chmod(0o755)
    dataset = ailabel_ray.verify(corpus["paths"], ailabel=str(wrapper), batch_size=10)
    result = {}
    runner = threading.Thread(target=lambda: result.setdefault("rows", ailabel_ray.records(dataset)))
    runner.start()
    deadline = time.time() + 120
    while len(os.listdir(marks)) < 8 and time.time() < deadline and runner.is_alive():
        time.sleep(0.1)
    assert runner.is_alive(), "the run finished before a node could be killed; make the batches slower"
    cluster_object.remove_node(workers[0], allow_graceful=False)
    runner.join(timeout=300)
    assert not runner.is_alive(), "the run did not finish after the node was killed"
    rows = result["rows"]
    paths = [r["path"] for r in rows]
    assert len(paths) == len(set(paths)), "a file was reported twice"
    assert {r["path"]: r for r in rows} == expected
    # Batches that ran on the lost node were run again: more ailabel processes than batches.
    assert len(os.listdir(marks)) >= FILES // 10
