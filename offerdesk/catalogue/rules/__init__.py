"""The rule book as small pure functions: each takes the facts and returns findings citing its rule ID."""

from .engine import Quote, RedemptionFacts, Situation, evaluate, evaluate_redemption, quote

__all__ = ["Quote", "RedemptionFacts", "Situation", "evaluate", "evaluate_redemption", "quote"]
