#!/usr/bin/env python3
"""Run the canvas scripts of this folder with real Celery.

Every NAME.star here is Python as well as Starlark once task() exists, and
so is the "script" of every case in cases.json. This runs each one with
Celery's own canvas code and compares json.dumps(canvas) with NAME.json or
the case's "expect", the JSON stampede's tests expect the script to build
(`--write` writes them instead). It needs Celery 5.6.2 importable
(pip install celery==5.6.2); the tests of stampede do not run it.

    python3 testdata/scripts/celery_check.py [--write]

task("proj.add") is a real Celery task registered under that name, and
`from proj.tasks import add` gets the task named proj.tasks.add, Celery's
default name for a function add in module proj.tasks.
"""
import glob
import json
import os
import re
import sys
import types

from celery import Celery, chain, chord, group, signature
from celery.canvas import maybe_signature

app = Celery("celery_check", set_as_current=True)
_tasks = {}


def task(name):
    if name not in _tasks:
        def run(*args, **kwargs):
            return None
        _tasks[name] = app.task(name=name, shared=False, lazy=False)(run)
    return _tasks[name]


IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(\(([^)]*)\)|[^\n]*)", re.M)


def fake_modules(src):
    """Make the modules the script imports tasks from, holding those tasks."""
    for m in IMPORT.finditer(src):
        module = m.group(1)
        if module.startswith("celery") or module == "__future__":
            continue
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
        names = m.group(3) if m.group(3) is not None else m.group(2)
        for item in names.split(","):
            name = item.split("#")[0].strip().split(" as ")[0].strip()
            if name:
                setattr(sys.modules[module], name, task(module + "." + name))


def build(path, src=None):
    if src is None:
        with open(path) as f:
            src = f.read()
    fake_modules(src)
    ns = {"task": task, "chain": chain, "chord": chord, "group": group,
          "signature": signature, "maybe_signature": maybe_signature, "json": json}
    exec(compile(src, path, "exec"), ns)
    return json.loads(json.dumps(ns["canvas"]))


def main():
    write = "--write" in sys.argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    failed = 0
    for path in sorted(glob.glob(os.path.join(here, "*.star"))):
        got = build(path)
        out = path[:-len(".star")] + ".json"
        if write:
            with open(out, "w") as f:
                json.dump(got, f, indent=2)
                f.write("\n")
            print("wrote", os.path.basename(out))
            continue
        with open(out) as f:
            want = json.load(f)
        status = "ok" if got == want else "DIFFERS"
        failed += got != want
        print(status, os.path.basename(path))
    cases_path = os.path.join(here, "cases.json")
    with open(cases_path) as f:
        cases = json.load(f)
    for case in cases:
        got = build(case["name"], case["script"])
        if write:
            case["expect"] = got
            continue
        status = "ok" if got == case.get("expect") else "DIFFERS"
        failed += got != case.get("expect")
        print(status, "cases.json:", case["name"])
    if write:
        with open(cases_path, "w") as f:
            json.dump(cases, f, indent=2)
            f.write("\n")
        print("wrote cases.json")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
