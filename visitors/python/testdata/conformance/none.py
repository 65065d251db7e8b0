# none.star -- some hooks return None, some return {} and some alternate
# between a real stamp, None and {}.
# Reads nothing from sig.

# (class form written by visitors/python's TestConformanceClassForms)

from celery.canvas import Signature, StampingVisitor


class NoneVisitor(StampingVisitor):
    def __init__(self) -> None:
        self.state = {}

    def _n(self, kind):
        self.state[kind] = self.state.get(kind, 0) + 1
        return self.state[kind]

    def on_signature(self, sig: Signature, **headers) -> dict:
        n = self._n("sig")
        if n % 3 == 1:
            return None
        if n % 3 == 2:
            return {}
        return {"nn": "s%d" % n}

    def on_group_start(self, sig: Signature, **headers) -> dict:
        return {}

    def on_chain_start(self, sig: Signature, **headers) -> dict:
        return None

    def on_chord_body(self, sig: Signature, **headers) -> dict:
        return None

    def on_callback(self, sig: Signature, **headers) -> dict:
        n = self._n("cb")
        if n % 2 == 1:
            return {"nn": "cb%d" % n}
        return None

    def on_errback(self, sig: Signature, **headers) -> dict:
        return {}
