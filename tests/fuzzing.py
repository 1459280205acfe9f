"""Hypothesis settings shared by the fuzz tests: the same examples in every CI run, bounded in time."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings


def fuzz_settings(max_examples: int) -> settings:
    """Derandomized, so that a failure in CI is reproducible and never a fluke; no deadline (timing is
    asserted where it matters); no "explain" phase, which only annotates a failure and loads libcst,
    noisy with deprecation warnings."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
