"""Small, exact statistics for numbers people act on: intervals, tests, effect sizes.

Pure functions of counts and values (standard library only), used by the fairness audit
(:mod:`mediation.fairness`) and by simulation summaries. Each is checked in the tests
against published values and against SciPy.

- :func:`wilson_interval`: the Wilson score interval of a proportion (Wilson, 1927);
  good coverage at small ``n`` and near 0 or 1, never outside [0, 1].
- :func:`risk_difference`: a difference of two proportions with Newcombe's hybrid score
  interval (Newcombe, 1998, method 10), built from the two Wilson intervals.
- :func:`cohens_h`: Cohen's *h*, the arcsine-transformed difference of two proportions
  (0.2 small, 0.5 medium, 0.8 large; Cohen, 1988).
- :func:`fisher_exact`: the two-sided p-value of Fisher's exact test of a 2×2 table
  (the same convention as R's ``fisher.test`` and SciPy: the sum of the probabilities of
  every table no more likely than the one observed).
- :func:`permutation_test`: a two-sided permutation test of a difference in means, with
  the caller's seeded :class:`random.Random` (p = (b + 1) / (m + 1), Phipson & Smyth,
  2010: never zero).
- :func:`welch_test`: Welch's t-test from summary figures (for samples too large to
  permute; by the central limit theorem its p-value is then accurate).
- :func:`mean_interval`: Student's t interval of a mean.
- :func:`benjamini_hochberg`: q-values controlling the false discovery rate across a
  family of tests (Benjamini & Hochberg, 1995).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from random import Random
from statistics import NormalDist

from mediation.errors import InvalidInput

__all__ = [
    "benjamini_hochberg",
    "cohens_h",
    "fisher_exact",
    "mean_interval",
    "permutation_test",
    "risk_difference",
    "student_t_cdf",
    "student_t_quantile",
    "welch_test",
    "wilson_interval",
]


def _z(confidence: float) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise InvalidInput(f"confidence must be a number between 0 and 1; got {confidence!r}")
    if not 0.0 < confidence < 1.0:
        raise InvalidInput(f"confidence must be between 0 and 1; got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _counts(successes: int, n: int) -> None:
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(f"{name} must be a whole number >= 0; got {value!r}")
    if successes > n:
        raise InvalidInput(f"successes ({successes}) cannot exceed n ({n})")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion.

    Args:
        successes: How many of the ``n`` had the property.
        n: How many in all.
        confidence: Coverage wanted, e.g. 0.95.

    Returns:
        ``(low, high)`` within [0, 1]; ``(0.0, 1.0)`` when ``n`` is 0 (nothing known).

    Raises:
        InvalidInput: negative counts, ``successes > n`` or a confidence outside (0, 1).

    Example:
        >>> [round(x, 4) for x in wilson_interval(8, 10)]
        [0.4902, 0.9433]
    """
    _counts(successes, n)
    z = _z(confidence)
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At 0 (or n) successes the bound is exactly 0 (or 1), and rounding must never leave
    # the estimate itself outside its interval.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (min(low, p), max(high, p))


def risk_difference(
    successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """The difference of two proportions, ``p_a - p_b``, with Newcombe's hybrid score
    interval (method 10 of Newcombe, 1998).

    Args:
        successes_a: Successes in group a.
        n_a: Size of group a (>= 1).
        successes_b: Successes in group b.
        n_b: Size of group b (>= 1).
        confidence: Coverage wanted.

    Returns:
        ``(difference, low, high)``, within [-1, 1].

    Raises:
        InvalidInput: bad counts, an empty group or a bad confidence.

    Example:
        >>> [round(x, 4) for x in risk_difference(56, 70, 48, 80)]
        [0.2, 0.0524, 0.3339]
    """
    _counts(successes_a, n_a)
    _counts(successes_b, n_b)
    if n_a == 0 or n_b == 0:
        raise InvalidInput("a difference of proportions needs two non-empty groups")
    p_a, p_b = successes_a / n_a, successes_b / n_b
    low_a, high_a = wilson_interval(successes_a, n_a, confidence)
    low_b, high_b = wilson_interval(successes_b, n_b, confidence)
    difference = p_a - p_b
    low = difference - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = difference + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    return (difference, max(-1.0, low), min(1.0, high))


def cohens_h(p_a: float, p_b: float) -> float:
    """Cohen's *h* effect size of two proportions: ``2·asin(√p_a) − 2·asin(√p_b)``.

    Raises:
        InvalidInput: a proportion outside [0, 1].

    Example:
        >>> round(cohens_h(0.5, 0.25), 4)
        0.5236
    """
    for value in (p_a, p_b):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise InvalidInput(f"a proportion must be in [0, 1]; got {value!r}")
    return 2 * math.asin(math.sqrt(p_a)) - 2 * math.asin(math.sqrt(p_b))


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test of the 2×2 table ``[[a, b], [c, d]]``.

    Rows are the two groups, columns yes / no. Conditioned on the margins, the count
    ``a`` is hypergeometric; the p-value sums the probabilities of all tables no more
    likely than the observed one (with a relative tolerance of 1e-7, as R and SciPy do).

    Args:
        a: Group 1, yes.
        b: Group 1, no.
        c: Group 2, yes.
        d: Group 2, no.

    Returns:
        The p-value in (0, 1].

    Raises:
        InvalidInput: a negative or non-integer count.

    Example:
        >>> round(fisher_exact(3, 1, 1, 3), 4)  # Fisher's tea-tasting lady
        0.4857
    """
    for value in (a, b, c, d):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(f"table counts must be whole numbers >= 0; got {value!r}")
    row1, row2, col1 = a + b, c + d, a + c
    total = row1 + row2
    if row1 == 0 or row2 == 0 or col1 == 0 or col1 == total:
        return 1.0
    low, high = max(0, col1 - row2), min(row1, col1)
    base = _log_choose(total, col1)

    def log_p(x: int) -> float:
        return _log_choose(row1, x) + _log_choose(row2, col1 - x) - base

    observed = log_p(a)
    threshold = observed + math.log1p(1e-7)
    # Sum in the log domain from the largest term for accuracy with large tables.
    logs = [log_p(x) for x in range(low, high + 1)]
    kept = [value for value in logs if value <= threshold]
    top = max(kept)
    p = math.exp(top) * math.fsum(math.exp(value - top) for value in kept)
    return min(1.0, p)


def _check_values(values: Sequence[float], what: str) -> list[float]:
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise InvalidInput(f"{what} must hold numbers; got {value!r}")
        out.append(float(value))
    return out


def permutation_test(
    a: Sequence[float], b: Sequence[float], rng: Random, resamples: int = 2000
) -> float:
    """Two-sided permutation test of ``mean(a) − mean(b)``.

    The group labels are shuffled ``resamples`` times with ``rng``; the p-value is
    ``(b + 1) / (resamples + 1)`` where ``b`` counts shuffles whose absolute difference
    is at least the observed one (so it is never 0 and is valid at any ``resamples``).

    Args:
        a: Values of group a (at least one).
        b: Values of group b (at least one).
        rng: The random stream (seed it for a reproducible p-value).
        resamples: How many shuffles (>= 1).

    Returns:
        The p-value in (0, 1].

    Raises:
        InvalidInput: an empty group, a NaN or non-number, or ``resamples < 1``.
    """
    first, second = _check_values(a, "a"), _check_values(b, "b")
    if not first or not second:
        raise InvalidInput("a permutation test needs two non-empty groups")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise InvalidInput(f"resamples must be a whole number >= 1; got {resamples!r}")
    n_a, n_b = len(first), len(second)
    pooled = first + second
    total = math.fsum(pooled)
    observed = abs(math.fsum(first) / n_a - math.fsum(second) / n_b)
    tolerance = 1e-12 * max(1.0, abs(observed))
    # Each shuffle is drawn as a random subset of the smaller group's size: the same
    # distribution as a full shuffle, in time proportional to that size.
    size = min(n_a, n_b)
    indices = range(len(pooled))
    extreme = 0
    for _ in range(resamples):
        chosen = math.fsum([pooled[i] for i in rng.sample(indices, size)])
        sum_a = chosen if size == n_a else total - chosen
        if abs(sum_a / n_a - (total - sum_a) / n_b) >= observed - tolerance:
            extreme += 1
    return (extreme + 1) / (resamples + 1)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz method)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 400):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def _regularized_beta(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t: float, df: float) -> float:
    """The cumulative distribution function of Student's t with ``df`` degrees of freedom.

    Raises:
        InvalidInput: ``df`` is not positive.

    Example:
        >>> round(student_t_cdf(2.0, 5), 5)
        0.94903
    """
    if not df > 0:
        raise InvalidInput(f"degrees of freedom must be > 0; got {df!r}")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = 0.5 * _regularized_beta(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(probability: float, df: float) -> float:
    """The ``probability`` quantile of Student's t (inverse of :func:`student_t_cdf`).

    Raises:
        InvalidInput: ``probability`` outside (0, 1) or ``df`` not positive.

    Example:
        >>> round(student_t_quantile(0.975, 10), 4)
        2.2281
    """
    if not 0.0 < probability < 1.0:
        raise InvalidInput(f"probability must be in (0, 1); got {probability!r}")
    if not df > 0:
        raise InvalidInput(f"degrees of freedom must be > 0; got {df!r}")
    if probability < 0.5:
        return -student_t_quantile(1.0 - probability, df)
    low, high = 0.0, 1.0
    while student_t_cdf(high, df) < probability:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if student_t_cdf(middle, df) < probability:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def mean_interval(
    n: int, mean: float, variance: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Student's t interval of a mean from summary figures.

    Args:
        n: Sample size (>= 2 for an interval).
        mean: Sample mean.
        variance: Sample variance (with ``n - 1`` in the denominator).
        confidence: Coverage wanted.

    Returns:
        ``(low, high)``; ``(-inf, inf)`` when ``n < 2``.

    Raises:
        InvalidInput: a negative variance or a bad confidence.

    Example:
        >>> [round(x, 3) for x in mean_interval(10, 5.0, 4.0)]
        [3.569, 6.431]
    """
    _z(confidence)
    if variance < 0 or math.isnan(variance):
        raise InvalidInput(f"variance must be >= 0; got {variance!r}")
    if n < 2:
        return (-math.inf, math.inf)
    half = student_t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
    return (mean - half, mean + half)


def welch_test(
    n_a: int,
    mean_a: float,
    variance_a: float,
    n_b: int,
    mean_b: float,
    variance_b: float,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """Welch's unequal-variance t-test of ``mean_a − mean_b`` from summary figures.

    Args:
        n_a: Size of group a (>= 2).
        mean_a: Mean of group a.
        variance_a: Sample variance of group a.
        n_b: Size of group b (>= 2).
        mean_b: Mean of group b.
        variance_b: Sample variance of group b.
        confidence: Coverage of the interval of the difference.

    Returns:
        ``(p_value, low, high)``: the two-sided p-value and the interval of the
        difference. With no variance in either group the p-value is 1 for equal means
        and 0 otherwise.

    Raises:
        InvalidInput: a group smaller than 2 or a negative variance.
    """
    if n_a < 2 or n_b < 2:
        raise InvalidInput("Welch's test needs at least two values in each group")
    if variance_a < 0 or variance_b < 0:
        raise InvalidInput("variances must be >= 0")
    _z(confidence)
    difference = mean_a - mean_b
    va, vb = variance_a / n_a, variance_b / n_b
    se2 = va + vb
    if se2 == 0:
        return (1.0 if difference == 0 else 0.0, difference, difference)
    df = se2 * se2 / (va * va / (n_a - 1) + vb * vb / (n_b - 1))
    t = difference / math.sqrt(se2)
    p = _regularized_beta(df / 2, 0.5, df / (df + t * t))  # both tails, no cancellation
    half = student_t_quantile(0.5 + confidence / 2, df) * math.sqrt(se2)
    return (min(1.0, max(0.0, p)), difference - half, difference + half)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given.

    Rejecting every hypothesis with ``q <= alpha`` controls the false discovery rate at
    ``alpha`` for independent or positively dependent tests.

    Raises:
        InvalidInput: a p-value outside [0, 1].

    Example:
        >>> [round(q, 4) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.5])]
        [0.04, 0.0533, 0.0533, 0.5]
    """
    values = list(p_values)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise InvalidInput(f"p-values must be in [0, 1]; got {value!r}")
    m = len(values)
    order = sorted(range(m), key=lambda index: values[index])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, values[index] * m / rank)
        adjusted[index] = running
    return adjusted
