"""Putting a dollar value on a result: the price book (data files with source and date), the
usage model (presets, commented TOML block), cost lines traceable to measurements, savings
ranges from the measurement CIs, migration cost and payback.

Entry points: ``bakeoff.value.model.compute`` (the ``cost`` block of a results document),
``bakeoff.config.prices.load`` and ``bakeoff.value.usage`` (``resolve``, ``preset``,
``commented_block``). ``bakeoff.decide.fill`` runs cost and decisions together.
"""

from bakeoff.value import usage

__all__ = ["usage"]
