"""Ray engine scenarios, each run in a process of its own by tests/run/test_ray_engine.py (which bounds its time).

`python ray_scenarios.py NAME FOLDER` starts a local Ray the way this shared machine needs (two CPUs, no
dashboard, a small object store, a temporary folder of its own under /tmp), runs scenario NAME with
FOLDER for its files, and prints what it found as one JSON line. Ray is shut down by `ray.shutdown()`,
which ends only the processes this one started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ray

from cleanbench.benchmark import benchmark
from cleanbench.gold.load import GoldSet, load_gold
from cleanbench.results import RESULT_FILE
from cleanbench.run import ray_engine
from cleanbench.run.runner import run
from cleanbench.run.sandbox import Limits
from cleanbench.score.bootstrap import Bootstrap

SCRIPTED = "run_test_extractors:Scripted"
UNTIMED = ("created", "platform", "engine")  # besides each row's speed: what may differ between engines


def make_gold(folder: Path, htmls: Sequence[str]) -> GoldSet:
    path = folder / "gold.jsonl"
    with path.open("w", encoding="utf-8") as lines:
        for index, html in enumerate(htmls):
            lines.write(json.dumps({"id": f"p{index:02d}", "html": html, "url": f"http://test/p{index:02d}", "gold_text": "gold"}) + "\n")
    return load_gold(str(path))


def statuses(predictions: Any, name: str) -> list[str]:
    return [p.status for p in predictions[name].predictions]


def untimed(result: dict[str, Any]) -> dict[str, Any]:
    kept = {key: value for key, value in result.items() if key not in UNTIMED}
    kept["extractors"] = [{key: value for key, value in row.items() if key != "speed"} for row in result["extractors"]]
    return kept


@contextmanager
def counted_puts() -> Iterator[list[list[list[str]]]]:
    """What goes into Ray's object store while the block runs: per level (a put of stage definitions opens
    one), per batch, the page of each job."""
    levels: list[list[list[str]]] = []
    real_put: Callable[..., Any] = ray.put

    def counting_put(value: Any, **kwargs: Any) -> Any:
        if isinstance(value, list) and value and hasattr(value[0], "spec"):
            levels.append([])
        elif isinstance(value, list) and value and hasattr(value[0], "page"):
            levels[-1].append([job.page.id for job in value])
        return real_put(value, **kwargs)

    ray.put = counting_put
    try:
        yield levels
    finally:
        ray.put = real_put


def equal(folder: Path) -> dict[str, Any]:
    """A gold set ($SCENARIO_GOLD, default the bundled one) with rows ($SCENARIO_ROWS, `;` between them;
    default built-in extractors and a pipeline): result.json alike under both engines."""
    gold = load_gold(os.environ.get("SCENARIO_GOLD", "fixtures"))
    rows = os.environ.get("SCENARIO_ROWS", "trafilatura;justext;everything|boilerplate-lines;gold;nothing").split(";")
    results = {}
    for engine in ("local", "ray"):
        with counted_puts() as puts:
            benchmark(gold, rows, out=folder / engine, workers=2, engine=engine, bootstrap=Bootstrap(resamples=50, seed=7), progress=False)
        results[engine] = json.loads((folder / engine / RESULT_FILE).read_text(encoding="utf-8"))
    journals = {}
    for engine in ("local", "ray"):
        lines = [json.loads(line) for line in (folder / engine / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
        journals[engine] = sorted((r["extractor"], r["page_id"], r["status"], r["text"], r.get("error")) for r in lines if "page_id" in r)
    return {
        "same_result": untimed(results["local"]) == untimed(results["ray"]),
        "same_predictions": journals["local"] == journals["ray"],
        "predictions": len(journals["ray"]),
        "statuses": sorted({line[2] for line in journals["ray"]}),
        "levels": len(puts),
        "largest_batch": max(len(batch) for level in puts for batch in level),
        "pages_split_across_batches": sum(
            1 for level in puts for page in {p for batch in level for p in batch} if sum(page in batch for batch in level) > 1
        ),
        "engines": [results["local"]["engine"], results["ray"]["engine"]],
    }


def failures(folder: Path) -> dict[str, Any]:
    """A hanging, a crashing, a segfaulting and a raising page on Ray; and what went into the object store."""
    gold = make_gold(folder, ["<p>a</p>", "<p>do:hang</p>", "<p>do:exit</p>", "<p>b</p>", "<p>do:segfault</p>", "<p>do:raise</p>", *[f"<p>page {n}</p>" for n in range(30)]])
    with counted_puts() as puts:
        predictions = run(gold, [SCRIPTED, f"{SCRIPTED}|run_test_extractors:ScriptedCleaner"], engine="ray", limits=Limits(timeout=2), progress=False)
    levels = [[page for batch in level for page in batch] for level in puts]
    return {
        "pipeline": statuses(predictions, "scripted|scripted-cleaner"),
        "levels": levels,
        "scripted": statuses(predictions, "scripted"),
        "errors": [p.error for p in predictions["scripted"].predictions[:6]],
        "isolation": predictions.isolation,
        "engine": predictions.engine,
        "batches": sum(len(level) for level in puts),
        "definition_puts": len(puts),
        "pages": len(gold),
    }


def cut_short(folder: Path) -> dict[str, Any]:
    """A Ray worker that freezes mid-batch (its batch overruns its budget and is cancelled) and one killed
    once (as a lost node): the frozen page is a timeout, every other page is done once, none is a crash."""
    ray_engine.BATCH_SLACK_S = 1.0
    frozen = make_gold(folder, ["<p>a</p>", "<p>b</p>", "<p>do:stop_ray</p>", "<p>c</p>", "<p>d</p>"])
    first = run(frozen, [SCRIPTED], engine="ray", workers=1, limits=Limits(timeout=2, load_timeout=3), progress=False)
    killed = make_gold(folder, ["<p>a</p>", "<p>do:kill_ray_once</p>", "<p>c</p>", "<p>d</p>"])
    second = run(killed, [SCRIPTED], engine="ray", workers=1, limits=Limits(timeout=2, load_timeout=3), progress=False)
    always = make_gold(folder, ["<p>a</p>", "<p>do:kill_ray</p>", "<p>c</p>"])
    third = run(always, [SCRIPTED], engine="ray", workers=1, limits=Limits(timeout=2, load_timeout=3), progress=False)
    return {
        "frozen": statuses(first, "scripted"),
        "frozen_error": first["scripted"].predictions[2].error,
        "killed_once": statuses(second, "scripted"),
        "killed_always": statuses(third, "scripted"),
        "killed_always_error": third["scripted"].predictions[1].error,
    }


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for each in sockets:
            each.bind(("127.0.0.1", 0))
        return [each.getsockname()[1] for each in sockets]
    finally:
        for each in sockets:
            each.close()


def _node(name: str, *, temp: str, head_port: int | None, log: Path) -> subprocess.Popen[bytes]:
    """`ray start --block` for one simulated node, in a session of its own (killed as a whole), one CPU,
    every port explicit, token authentication off, the node's name in $RUN_TEST_NODE for its workers."""
    manager, objects, agent, agent_grpc, metrics, runtime_env, port = _free_ports(7)
    low = _free_ports(1)[0]
    command = [
        str(Path(sys.executable).with_name("ray")), "start", "--block", "--num-cpus=1", "--node-ip-address=127.0.0.1",
        f"--resources={json.dumps({name: 1})}", f"--object-store-memory={150 * 2**20}",
        f"--node-manager-port={manager}", f"--object-manager-port={objects}", f"--dashboard-agent-listen-port={agent}",
        f"--dashboard-agent-grpc-port={agent_grpc}", f"--metrics-export-port={metrics}", f"--runtime-env-agent-port={runtime_env}",
        f"--min-worker-port={low}", f"--max-worker-port={low + 40}",
    ]
    if head_port is None:
        command += ["--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={temp}"]
    else:
        command += [f"--address=127.0.0.1:{head_port}"]
    env = {**os.environ, "RUN_TEST_NODE": name, "RAY_AUTH_MODE": "disabled"}
    node = subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    node.port = port  # type: ignore[attr-defined]
    return node


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _kill(node: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(node.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    node.wait()


def two_nodes(folder: Path) -> dict[str, Any]:
    """A head and a second node (`ray start`, one CPU each, on this machine); the second is killed once it
    has run a few pages: every page is still done, once, and none is a crash."""
    ray_engine.BATCH_SLACK_S = 5.0
    nodes_log = folder / "nodes.log"
    os.environ["RUN_TEST_NODES"] = str(nodes_log)
    temp = tempfile.mkdtemp(prefix="cbray-2n-")
    head = _node("head", temp=temp, head_port=None, log=folder / "head.log")
    second = None
    try:
        address = f"127.0.0.1:{head.port}"  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while not _listening(head.port) and time.monotonic() < deadline:  # type: ignore[attr-defined]
            if head.poll() is not None:
                raise RuntimeError(f"the head node did not start: {(folder / 'head.log').read_text()[-2000:]}")
            time.sleep(0.5)
        ray.init(address=address, log_to_driver=False)
        second = _node("second", temp=temp, head_port=head.port, log=folder / "second.log")  # type: ignore[attr-defined]
        joined = time.monotonic() + 90  # its own wait: on a loaded machine the head's start may have used most of the first
        while ray.cluster_resources().get("CPU", 0) < 2 and time.monotonic() < joined:
            if second.poll() is not None:
                raise RuntimeError(f"the second node did not start: {(folder / 'second.log').read_text()[-2000:]}")
            time.sleep(0.5)
        cpus = ray.cluster_resources().get("CPU", 0)
        gold = make_gold(folder, [f"<p>page {n}</p>" for n in range(80)])
        killed: list[bool] = []

        def kill_second_once_it_ran_pages() -> None:
            while time.monotonic() < deadline + 120:
                ran = nodes_log.read_text(encoding="utf-8").split().count("second") if nodes_log.exists() else 0
                if ran >= 5:
                    _kill(second)
                    killed.append(True)
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_second_once_it_ran_pages, daemon=True)
        killer.start()
        predictions = run(gold, ["run_test_extractors:Slow"], engine="ray", ray_address=address, limits=Limits(timeout=2, load_timeout=10), progress=False)
        killer.join(timeout=5)
    finally:
        ray.shutdown()
        for node in (second, head):
            if node is not None:
                _kill(node)
        shutil.rmtree(temp, ignore_errors=True)
    ran = [line.split() for line in nodes_log.read_text(encoding="utf-8").splitlines()]
    return {
        "cpus": cpus,
        "killed": bool(killed),
        "statuses": sorted(set(statuses(predictions, "slow"))),
        "pages": len(predictions["slow"].predictions),
        "nodes": sorted({node for _, node in ran}),
        "ran_on_second": sum(1 for _, node in ran if node == "second"),
        "distinct_pages_ran": len({url for url, _ in ran}),
    }


SCENARIOS: dict[str, Callable[[Path], dict[str, Any]]] = {"equal": equal, "failures": failures, "cut_short": cut_short, "two_nodes": two_nodes}


def main(argv: Sequence[str]) -> None:
    name, folder = argv[1], Path(argv[2])
    if name == "two_nodes":  # it starts its own cluster
        print(json.dumps(two_nodes(folder)))
        return
    temp = tempfile.mkdtemp(prefix="cbray-test-")
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=300 * 2**20, _temp_dir=temp, log_to_driver=False)
    try:
        found = SCENARIOS[name](folder)
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
    print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv)
