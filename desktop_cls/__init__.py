"""desktop_cls: train image classifiers on your own machine, offline."""

__version__ = "0.1.0"
