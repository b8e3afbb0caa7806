"""Load a lecture package's heavy sub-modules (torch, ipywidgets) on first use (PEP 562).

A package calls ``__getattr__, __dir__ = lazy_attributes(__name__, where, __all__)`` with
``where`` mapping each lazily loaded public name to the sub-module that defines it.
"""

import importlib
import sys


def lazy_attributes(package: str, where: dict[str, str], public):
    """Module-level ``__getattr__`` and ``__dir__`` for ``package``: a name in ``where`` is
    imported from ``package.<where[name]>`` when first asked for, a sub-module by its name."""
    submodules = set(where.values())

    def __getattr__(name: str):
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        if name in where:
            return getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(public))

    return __getattr__, __dir__
