"""Helpers for the course "Deep Learning, hands on".

One module per lecture (``perceptron``, ``uat``, ``regions``, ``conv``, ...) plus shared
modules (``plotting``, ``widgets``, ``playground``, ``data``, ``checks``). Import them
explicitly, e.g. ``from helpers import perceptron``; nothing heavy is imported here.
"""

__version__ = "0.1.0"
