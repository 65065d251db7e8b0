# tasky.star -- values derived from what each hook is shown, so that the
# signature object and the headers handed to every hook are checked.
# Reads from sig: sig.task, sig.subtask_type, sig.immutable, sig.args (len),
# sig.kwargs (keys; len of kwargs["tasks"]; kwargs["body"]["task"]; whether
# kwargs["header"] is a group dict or a list),
# sig.options (sorted keys, options.get("task_id")).
# Reads headers: sorted key names only.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class TaskyVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _keys(self, d):
        return ",".join(sorted(d.keys()))

    def on_signature(self, sig: Signature, **headers) -> dict:
        return {
            "t": sig.task,
            "st": sig.subtask_type,
            "imm": sig.immutable,
            "nargs": len(sig.args),
            "kw": self._keys(sig.kwargs),
            "hk": self._keys(headers),
        }

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {"gt": sig.task, "gn": len(sig.kwargs.get("tasks", [])), "gid": sig.options.get("task_id"), "ghk": self._keys(headers)}

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return {"ct": sig.task, "cn": len(sig.kwargs["tasks"]), "ci": sig.immutable, "cok": self._keys(sig.options)}

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        body = sig.kwargs.get("body")
        bt = "none"
        if body != None:
            bt = body["task"]
        # "hg" is True when the chord header is a group (a dict with a "kwargs"
        # key) and False when it is a plain list of signatures.
        return {"bt": bt, "hg": "kwargs" in sig.kwargs["header"], "bhk": self._keys(headers)}

    def on_callback(self, sig: Signature, **headers) -> dict:
        return {"cbt": sig.task, "cbi": sig.immutable, "cbst": sig.subtask_type, "cbhk": self._keys(headers)}

    def on_errback(self, sig: Signature, **headers) -> dict:
        return {"ebt": sig.task, "ebok": self._keys(sig.options), "ebhk": self._keys(headers)}
