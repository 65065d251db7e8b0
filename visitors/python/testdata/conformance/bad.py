# bad.star -- some hooks return something that is not a dict. Celery raises
# (TypeError) as soon as it tries to add "stamped_headers" to such a value;
# cases using this visitor expect an error. A falsy non-dict ([] / "" / 0)
# is treated like {} by Celery ("or {}").
# Reads from sig: sig.task only.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class BadVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self):
        self.state["n"] = self.state.get("n", 0) + 1
        return self.state["n"]

    def on_signature(self, sig: Signature, **headers) -> dict:
        n = self._n()
        if sig.task == "proj.mul":
            return "oops"
        if sig.task == "proj.echo":
            return []
        return {"ok": n}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return ["not", "a", "dict"]

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return 0

    def on_callback(self, sig: Signature, **headers) -> dict:
        return 7
