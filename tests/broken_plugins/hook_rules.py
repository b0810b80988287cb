"""Plugins that break a rule of the hook contract, and two that order themselves (tests/test_plugin_runtime.py)."""

import types

from forecourt import HookKind, HookScope, Manifest, hookimpl, hookspec


class Wrapper:
    @hookimpl(wrapper=True)
    def nav_items(self, ctx):
        return (yield)


WRAPPER = Manifest(name="wrapper", title="Wrapper", version="1.0", core=">=0.1", hooks=Wrapper())


def _spec(name, kind=HookKind.NOTIFICATION, scope=HookScope.DEALER, args="ctx"):
    namespace: dict = {}
    exec(f"def {name}({args}):\n    '''A hook.'''\n", namespace)
    return types.SimpleNamespace(**{name: hookspec(kind, scope)(namespace[name])})


FOREIGN = Manifest(name="foreign", title="Foreign prefix", version="1.0", core=">=0.1",
                   hookspecs=_spec("leads_thing_happened"))
TENSE = Manifest(name="tense", title="Not a past tense", version="1.0", core=">=0.1",
                 hookspecs=_spec("tense_do_something"))
NO_CTX = Manifest(name="noctx", title="Dealer-scoped without ctx", version="1.0", core=">=0.1",
                  hookspecs=_spec("noctx_thing_changed", args="dealer_id"))


class First:
    @hookimpl(tryfirst=True)
    def page_slots(self, slot):
        return [f"first:{slot}"]


class Last:
    @hookimpl(trylast=True)
    def page_slots(self, slot):
        return [f"last:{slot}"]


class Plain:
    @hookimpl
    def page_slots(self, slot):
        return [f"plain:{slot}"]


# loaded in the order last, plain, first (names sort so); tryfirst/trylast must win over it
LAST = Manifest(name="aa_last", title="Last", version="1.0", core=">=0.1", hooks=Last())
PLAIN = Manifest(name="bb_plain", title="Plain", version="1.0", core=">=0.1", hooks=Plain())
FIRST = Manifest(name="cc_first", title="First", version="1.0", core=">=0.1", hooks=First())
