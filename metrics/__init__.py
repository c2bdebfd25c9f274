"""Adoption metrics. Other apps use only this public API: ``record`` and ``Verb``."""


def record(*args, **kwargs):
    from .services import record as _record

    return _record(*args, **kwargs)


def __getattr__(name: str):
    if name == "Verb":
        from .verbs import Verb

        return Verb
    raise AttributeError(name)
