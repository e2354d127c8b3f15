#!/usr/bin/env python3
"""Native onnxruntime (Python, CPU execution provider) on the same model files and input as
webgpu-bench.mjs, for the web/native ratio on the machine that ran the GPU figures.

    native.py --out FILE [--runs N] [--warmup N] [--threads 1,4,all] ID=DIR [ID=DIR ...]

All outputs are fetched, as the app fetches them. Exit 0 even when onnxruntime is missing
(the JSON then says so), so a run script can go on.
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time


def input_data(shape):
    import numpy as np
    n = math.prod(shape)
    # Same deterministic input as bench/run.mjs: sin(i * 0.37) * 1.5, computed in float64 then stored as float32.
    return (np.sin(np.arange(n, dtype=np.float64) * 0.37) * 1.5).astype(np.float32).reshape(shape)


def bench_model(ort, path, manifest, threads, runs, warmup):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    t0 = time.perf_counter()
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    create_ms = (time.perf_counter() - t0) * 1000
    inp = sess.get_inputs()[0]
    shape = manifest["input"]["shape"] if manifest else [d if isinstance(d, int) else 1 for d in inp.shape]
    feeds = {inp.name: input_data(shape)}
    times = []
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        sess.run(None, feeds)
        t = (time.perf_counter() - t0) * 1000
        if i >= warmup:
            times.append(t)
    return {"median": round(statistics.median(times), 2), "min": round(min(times), 2),
            "times": [round(t, 2) for t in times], "sessionCreateMs": round(create_ms, 1)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", default="1,4,all")
    p.add_argument("models", nargs="+", metavar="ID=DIR")
    a = p.parse_args()
    cores = os.cpu_count() or 1
    result = {"kind": "native", "version": None, "python": platform.python_version(), "cores": cores,
              "cpu": platform.processor() or platform.machine(), "models": {}}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    result["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import onnxruntime as ort
    except ImportError as e:
        result["error"] = f"onnxruntime not importable: {e}"
        print(f"[native] skipped: {result['error']}", flush=True)
        json.dump(result, open(a.out, "w"), indent=1)
        return 0
    result["version"] = ort.__version__
    thread_list = []
    for t in a.threads.split(","):
        n = cores if t == "all" else int(t)
        if n not in thread_list:
            thread_list.append(n)
    for spec in a.models:
        mid, d = spec.split("=", 1)
        path = os.path.join(d, "model.onnx")
        man_path = os.path.join(d, "manifest.json")
        manifest = json.load(open(man_path)) if os.path.exists(man_path) else None
        entry = {"path": path, "threads": {}}
        result["models"][mid] = entry
        for n in thread_list:
            try:
                r = bench_model(ort, path, manifest, n, a.runs, a.warmup)
                entry["threads"][str(n)] = r
                print(f"[native] {mid} {n} thread(s): median {r['median']} ms", flush=True)
            except Exception as e:  # keep going: one failure must not lose the other figures
                entry["threads"][str(n)] = {"error": str(e)[:500]}
                print(f"[native] {mid} {n} thread(s) failed: {e}", flush=True)
            json.dump(result, open(a.out, "w"), indent=1)
    json.dump(result, open(a.out, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
