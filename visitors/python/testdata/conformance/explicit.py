# explicit.star -- hooks return an explicit "stamped_headers" list.
#  * on_signature returns "a" and "b" but lists "a" and "c": "b" is set on the
#    options without being a stamp, "c" is declared a stamp but never given.
#  * on_group_start returns an EMPTY stamped_headers list plus a key "gx".
#  * on_chain_start lists exactly what it returns.
#  * on_callback lists keys it does not return ("cbx", "a").
#  * on_errback returns only a stamped_headers list naming "ebx".
#  * on_chord_body lists "a" (a key the body's signatures also stamp).
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class ExplicitVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self):
        self.state["n"] = self.state.get("n", 0) + 1
        return self.state["n"]

    def on_signature(self, sig: Signature, **headers) -> dict:
        n = self._n()
        return {"a": "a%d" % n, "b": "b%d" % n, "stamped_headers": ["a", "c"]}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {"gx": "g%d" % self._n(), "stamped_headers": []}

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return {"chx": "c%d" % self._n(), "stamped_headers": ["chx"]}

    def on_callback(self, sig: Signature, **headers) -> dict:
        return {"cbv": "cb%d" % self._n(), "stamped_headers": ["cbx", "a"]}

    def on_errback(self, sig: Signature, **headers) -> dict:
        self._n()
        return {"stamped_headers": ["ebx"]}

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        return {"a": "body%d" % self._n(), "stamped_headers": ["a"]}
