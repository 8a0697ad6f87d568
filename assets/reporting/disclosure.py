"""Disclosure control for stakeholder reports: which cells to hide so that no group below the
reporting minimum is shown, nor can be worked back from what is shown.

Primary suppression hides every cell of fewer than `minimum` people. Secondary suppression then
hides what would let a reader recover a hidden cell:
- a total minus the visible parts (`complementary`): the hidden parts together must hold at
  least `minimum` people, else more parts (smallest first) or the total are hidden;
- the other wave of the same people (applied in the report, which knows the waves): a hidden T0
  mean next to a shown T1 mean and a shown change of the same people gives T0 back;
- two shown figures of nearly the same people (`differs_safely`): the mean of 8 people beside the
  mean of 7 of them gives the eighth person's grade.
"""


def hidden_primary(n: int | None, minimum: int) -> bool:
    return (n or 0) < minimum


def complementary(total_n: int, parts: dict, minimum: int, forced: set = frozenset()) -> tuple[bool, set]:
    """(hide the total?, keys of the parts to hide) for a total shown beside its parts {key: n};
    `forced`: parts hidden already for another reason."""
    hidden = {k for k, n in parts.items() if hidden_primary(n, minimum)} | set(forced)
    if hidden_primary(total_n, minimum):
        return True, hidden
    hidden_n = sum(parts[k] for k in hidden)
    visible = sorted((n, str(k), k) for k, n in parts.items() if k not in hidden)
    while hidden and 0 < hidden_n < minimum and visible:
        n, _, k = visible.pop(0)
        hidden.add(k)
        hidden_n += n
    hide_total = bool(hidden) and 0 < hidden_n < minimum
    return hide_total, hidden


def differs_safely(n_a: int, n_b: int, minimum: int) -> bool:
    """Two figures of nested sets of people (one a subset of the other) may both be shown only if
    they are the same people or differ by at least `minimum` people."""
    gap = abs(int(n_a or 0) - int(n_b or 0))
    return gap == 0 or gap >= minimum
