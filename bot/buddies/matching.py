"""Forming buddy groups: maximum-weight matching over who would practise well together.

Pure: no database, no clock. Every pair of candidates gets an integer weight,
its *preference* (overlapping waking hours first, then shared areas, then a
similar level, then complementary roles) minus a *repeat penalty* when the
two met within the last `window` rounds. The penalty unit is larger than any
sum of preferences, so a maximum-weight matching first minimises repeats and
only then maximises preference: repeats are never forbidden (a tiny pool may
have no other arrangement), just always the last resort.

Pairs come from networkx's maximum-weight matching with `maxcardinality`, so
everyone is placed; an odd count leaves one member, who joins the pair that
suits them best (the only trio). Groups of 3 or 4 are built on top of pairs:
pairs are matched with pairs into fours, or with single members into threes.

networkx's blossom algorithm is pure Python and roughly cubic, so pools above
`DENSE_LIMIT` are ordered by UTC offset (a seeded shuffle breaks ties, so
neighbours change from round to round) and matched `CHUNK` members at a time:
neighbours in that order already share most waking hours, and each member
brings only their `SPARSE_KEEP` heaviest edges (half the time, about 0.1% of
the preference lost). Repeats a chunk could not avoid are then removed by
swapping members between groups. Pools up to `DENSE_LIMIT` use the complete
graph and are exact.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import networkx as nx

from bot.buddies.hours import utc_offset_minutes, waking_mask
from bot.record import record

LEVELS = ("junior", "mid", "senior")
ROLES = ("interviewer", "interviewee", "both")
DEFAULT_WINDOW = 6
MAX_GROUP_SIZE = 4

DENSE_LIMIT = 64  # pools up to this size are matched in one graph (exact)
CHUNK = 24  # larger pools are matched this many neighbours at a time
SPARSE_KEEP = 8  # ... each member bringing only their best few edges
TRIANGLE_BUDGET = 300  # trios tried when an odd pool still has a repeat
EXHAUSTIVE_LIMIT = 8  # groups of 3-4: pools this small are searched exhaustively

HOUR_POINTS = 20  # per shared waking half-hour, up to 28 of them
AREA_POINTS = 80  # per shared area, up to 3
LEVEL_POINTS = 50  # per step of level closeness (same level: 100)
ROLE_POINTS = 20  # interviewer with interviewee
MAX_PREFERENCE = 28 * HOUR_POINTS + 3 * AREA_POINTS + 2 * LEVEL_POINTS + ROLE_POINTS

Pair = tuple[int, int]
Group = tuple[int, ...]
History = Mapping[Pair, int]  # (low id, high id) -> rounds ago; 1 is the last round


@record
class Candidate:
    """A pool member as matching sees them."""

    id: int
    timezone: str = "UTC"
    areas: frozenset[str] = frozenset()
    level: str = "mid"
    role: str = "both"


def pair_key(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def pairs_in(group: Iterable[int]) -> Iterator[Pair]:
    for a, b in itertools.combinations(group, 2):
        yield pair_key(a, b)


@dataclass
class Scorer:
    """Pair weights for one round: preference minus the repeat penalty."""

    candidates: Sequence[Candidate]
    history: History
    window: int
    when: datetime
    masks: dict[int, int] = field(init=False)
    offsets: dict[int, int] = field(init=False)
    area_bits: dict[int, int] = field(init=False)
    levels: dict[int, int] = field(init=False)
    roles: dict[int, str] = field(init=False)
    unit: int = field(init=False)

    def __post_init__(self) -> None:
        area_index: dict[str, int] = {}
        self.masks, self.offsets, self.area_bits, self.levels, self.roles = {}, {}, {}, {}, {}
        for c in self.candidates:
            self.masks[c.id] = waking_mask(c.timezone, self.when)
            self.offsets[c.id] = utc_offset_minutes(c.timezone, self.when)
            bits = 0
            for area in c.areas:
                bits |= 1 << area_index.setdefault(area, len(area_index))
            self.area_bits[c.id] = bits
            self.levels[c.id] = LEVELS.index(c.level) if c.level in LEVELS else 1
            self.roles[c.id] = c.role
        # One repeat must outweigh every preference a whole arrangement can hold.
        self.unit = (len(self.candidates) + 1) * MAX_PREFERENCE + 1

    def preference(self, a: int, b: int) -> int:
        hours = (self.masks[a] & self.masks[b]).bit_count()
        areas = min((self.area_bits[a] & self.area_bits[b]).bit_count(), 3)
        closeness = 2 - abs(self.levels[a] - self.levels[b])
        return (
            hours * HOUR_POINTS
            + areas * AREA_POINTS
            + closeness * LEVEL_POINTS
            + _role_points(self.roles[a], self.roles[b])
        )

    def rounds_ago(self, a: int, b: int) -> int | None:
        ago = self.history.get(pair_key(a, b))
        return ago if ago is not None and 1 <= ago <= self.window else None

    def penalty(self, a: int, b: int) -> int:
        ago = self.rounds_ago(a, b)
        if ago is None:
            return 0
        # A more recent meeting costs up to half a unit more, never a whole one:
        # fewer repeats always wins over older ones.
        return self.unit + self.unit * (self.window - ago) // (2 * self.window)

    def weight(self, a: int, b: int) -> int:
        return self.preference(a, b) - self.penalty(a, b)

    def group_weight(self, group: Iterable[int]) -> int:
        return sum(self.weight(a, b) for a, b in pairs_in(group))

    def cross_weight(self, first: Iterable[int], second: Iterable[int]) -> int:
        others = list(second)
        return sum(self.weight(a, b) for a in first for b in others)

    def repeats(self, group: Iterable[int]) -> int:
        return sum(1 for a, b in pairs_in(group) if self.rounds_ago(a, b) is not None)

    def total_repeats(self, groups: Iterable[Iterable[int]]) -> int:
        return sum(self.repeats(group) for group in groups)


def _role_points(a: str, b: str) -> int:
    if {a, b} == {"interviewer", "interviewee"}:
        return ROLE_POINTS
    if "both" in (a, b):
        return ROLE_POINTS // 2
    return 0


def form_groups(
    candidates: Sequence[Candidate],
    history: History | None = None,
    *,
    group_size: int = 2,
    window: int = DEFAULT_WINDOW,
    seed: int = 0,
    when: datetime | None = None,
) -> list[Group]:
    """Place every candidate in a group (nobody when fewer than two).

    Groups have `group_size` members where the count allows; with pairs an odd
    count makes exactly one trio, with 3 or 4 some groups are smaller (never
    below 2). The result is deterministic for a given seed.
    """
    if not 2 <= group_size <= MAX_GROUP_SIZE:
        raise ValueError(f"group size must be 2 to {MAX_GROUP_SIZE}, not {group_size}")
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("candidate ids must be unique")
    if len(candidates) < 2:
        return []
    rng = random.Random(seed)
    scorer = Scorer(candidates, history or {}, window, when or datetime.now(UTC))
    order = _locality_order([c.id for c in candidates], scorer, rng)
    best: list[Group] | None = None
    for size in range(group_size, 1, -1):  # smaller groups when bigger ones must repeat
        groups = _shape(order, size, scorer)
        if best is None or scorer.total_repeats(groups) < scorer.total_repeats(best):
            best = groups
        if scorer.total_repeats(best) == 0:
            break
    assert best is not None
    if scorer.total_repeats(best) and group_size > 2 and len(order) <= EXHAUSTIVE_LIMIT:
        best = _exhaustive(order, group_size, scorer, best)
    return _normalised(best)


def _locality_order(ids: list[int], scorer: Scorer, rng: random.Random) -> list[int]:
    """By UTC offset, ties in seeded random order: neighbours share waking hours."""
    shuffled = list(ids)
    rng.shuffle(shuffled)
    return sorted(shuffled, key=lambda member: scorer.offsets[member])


def _shape(order: list[int], size: int, scorer: Scorer) -> list[Group]:
    if size == 2:
        return _pairs_and_trio(order, scorer)
    if size == 3:
        return _threes(order, scorer)
    return _fours(order, scorer)


# -- pairs -----------------------------------------------------------------


def _match(
    nodes: Sequence[int], weight: Callable[[int, int], int], keep: int | None = None
) -> list[Pair]:
    """Maximum-cardinality, maximum-weight matching of `nodes`.

    With `keep`, each node brings only its `keep` heaviest edges: a much
    smaller graph for the blossom algorithm, which rarely loses the optimum.
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    edges = [(a, b, weight(a, b)) for a, b in itertools.combinations(nodes, 2)]
    if keep is not None and len(nodes) > keep + 1:
        edges = _heaviest_per_node(edges, keep)
    graph.add_weighted_edges_from(edges)
    position = {node: index for index, node in enumerate(nodes)}
    matched = [
        (a, b) if position[a] < position[b] else (b, a)
        for a, b in nx.max_weight_matching(graph, maxcardinality=True)
    ]
    return sorted(matched, key=lambda pair: position[pair[0]])


def _heaviest_per_node(edges: list[tuple[int, int, int]], keep: int) -> list[tuple[int, int, int]]:
    by_node: dict[int, list[tuple[int, int, int]]] = {}
    for edge in edges:
        by_node.setdefault(edge[0], []).append(edge)
        by_node.setdefault(edge[1], []).append(edge)
    kept: set[tuple[int, int, int]] = set()
    for own in by_node.values():
        kept.update(sorted(own, key=lambda edge: edge[2], reverse=True)[:keep])
    return [edge for edge in edges if edge in kept]


def _chunks(items: Sequence[int]) -> list[list[int]]:
    """Consecutive slices of even size (the last one odd if the count is)."""
    if len(items) <= DENSE_LIMIT:
        return [list(items)]
    count = max(1, round(len(items) / CHUNK))
    base, extra = divmod(len(items) // 2, count)
    sizes = [2 * (base + (index < extra)) for index in range(count)]
    sizes[-1] += len(items) % 2
    slices, start = [], 0
    for size in sizes:
        slices.append(list(items[start : start + size]))
        start += size
    return slices


def _pair_up(order: list[int], scorer: Scorer) -> tuple[list[Pair], int | None]:
    """Everyone in pairs, and the one member left over when the count is odd."""
    pairs: list[Pair] = []
    left: list[int] = []
    chunks = _chunks(order)
    keep = SPARSE_KEEP if len(chunks) > 1 else None
    for chunk in chunks:
        matched = _match(chunk, scorer.weight, keep)
        pairs.extend(matched)
        placed = {member for pair in matched for member in pair}
        left.extend(member for member in chunk if member not in placed)
    while len(left) >= 2:  # only if a chunk could not be matched perfectly
        matched = _match(left, scorer.weight)
        pairs.extend(matched)
        placed = {member for pair in matched for member in pair}
        left = [member for member in left if member not in placed]
    return pairs, (left[0] if left else None)


def _best_pair_for(member: int, pairs: Sequence[Pair], scorer: Scorer) -> int:
    return max(range(len(pairs)), key=lambda i: scorer.cross_weight([member], pairs[i]))


def _pairs_and_trio(order: list[int], scorer: Scorer) -> list[Group]:
    pairs, single = _pair_up(order, scorer)
    groups: list[Group] = list(pairs)
    if single is not None:
        host = _best_pair_for(single, pairs, scorer)
        groups[host] = (*pairs[host], single)
    groups = _swap_repair(groups, scorer)
    if scorer.total_repeats(groups) and len(order) % 2 and len(order) <= DENSE_LIMIT:
        groups = _trio_search(order, scorer, groups)
    return groups


def _trio_search(order: list[int], scorer: Scorer, current: list[Group]) -> list[Group]:
    """Try trios without a repeat, matching the rest around each (exact for small pools)."""
    free = [trio for trio in itertools.combinations(order, 3) if scorer.repeats(trio) == 0]
    free.sort(key=scorer.group_weight, reverse=True)
    best, best_repeats = current, scorer.total_repeats(current)
    for trio in free[:TRIANGLE_BUDGET]:
        rest = [member for member in order if member not in trio]
        groups: list[Group] = [trio, *_match(rest, scorer.weight)]
        repeats = scorer.total_repeats(groups)
        if repeats < best_repeats:
            best, best_repeats = groups, repeats
        if best_repeats == 0:
            break
    return best


# -- threes and fours ----------------------------------------------------------


def _fours(order: list[int], scorer: Scorer) -> list[Group]:
    """Pairs matched with pairs; an odd member makes a trio with the best pair."""
    pairs, single = _pair_up(order, scorer)
    groups: list[Group] = []
    if single is not None and pairs:
        host = pairs.pop(_best_pair_for(single, pairs, scorer))
        groups.append((*host, single))
    position = {member: index for index, member in enumerate(order)}
    pairs.sort(key=lambda pair: position[pair[0]])
    groups.extend(_merge_units(pairs, scorer))
    return _swap_repair(groups, scorer)


def _merge_units(units: list[Pair], scorer: Scorer) -> list[Group]:
    """Match units (pairs) with each other into fours; an odd one stays a pair."""
    index = list(range(len(units)))

    def weight(i: int, j: int) -> int:
        return scorer.cross_weight(units[i], units[j])

    groups: list[Group] = []
    left: list[int] = []
    chunks = _chunks(index)
    keep = SPARSE_KEEP if len(chunks) > 1 else None
    for chunk in chunks:
        matched = _match(chunk, weight, keep)
        groups.extend((*units[i], *units[j]) for i, j in matched)
        placed = {i for pair in matched for i in pair}
        left.extend(i for i in chunk if i not in placed)
    while len(left) >= 2:
        matched = _match(left, weight)
        groups.extend((*units[i], *units[j]) for i, j in matched)
        placed = {i for pair in matched for i in pair}
        left = [i for i in left if i not in placed]
    groups.extend(units[i] for i in left)
    return groups


def _threes(order: list[int], scorer: Scorer) -> list[Group]:
    """As many threes as the count allows, the rest pairs: n = 3 * threes + 2 * pairs."""
    pairs, single = _pair_up(order, scorer)
    two_count = {0: 0, 1: 2, 2: 1}[len(order) % 3]
    three_count = (len(order) - 2 * two_count) // 3
    # The weakest pairs are split up to provide the third members.
    pairs.sort(key=lambda pair: scorer.weight(*pair))
    dissolve = len(pairs) - three_count - two_count
    singles = [member for pair in pairs[:dissolve] for member in pair]
    if single is not None:
        singles.append(single)
    hosts = pairs[dissolve:]
    position = {member: index for index, member in enumerate(order)}
    singles.sort(key=position.__getitem__)
    hosts.sort(key=lambda pair: position[pair[0]])
    return _swap_repair(_seat_singles(singles, hosts, scorer), scorer)


def _seat_singles(singles: list[int], hosts: list[Pair], scorer: Scorer) -> list[Group]:
    """Each single joins a different pair: bipartite maximum-weight matching, in chunks."""
    groups: dict[int, Group] = dict(enumerate(hosts))
    count = max(1, round(len(singles) / (CHUNK // 3))) if len(singles) > DENSE_LIMIT // 3 else 1
    waiting: list[int] = []
    free_hosts: list[int] = []
    for part in range(count):
        some = singles[len(singles) * part // count : len(singles) * (part + 1) // count]
        near = list(range(len(hosts) * part // count, len(hosts) * (part + 1) // count))
        seated = _seat(some, near, groups, scorer)
        waiting.extend(member for member in some if member not in seated)
        free_hosts.extend(host for host in near if host not in seated.values())
    if waiting:
        _seat(waiting, free_hosts, groups, scorer)
    return list(groups.values())


def _seat(
    singles: list[int], hosts: list[int], groups: dict[int, Group], scorer: Scorer
) -> dict[int, int]:
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        (("s", s), ("h", h), scorer.cross_weight([s], groups[h])) for s in singles for h in hosts
    )
    seated: dict[int, int] = {}
    for a, b in nx.max_weight_matching(graph, maxcardinality=True):
        (_, single), (_, host) = (a, b) if a[0] == "s" else (b, a)
        seated[single] = host
    for single, host in seated.items():
        groups[host] = (*groups[host], single)
    return seated


# -- repairs -----------------------------------------------------------------------


def _swap_repair(groups: list[Group], scorer: Scorer, passes: int = 3) -> list[Group]:
    """Swap members between groups while that lowers the number of repeats."""
    mutable = [list(group) for group in groups]
    for _ in range(passes):
        if not any(_repair_group(i, mutable, scorer) for i in range(len(mutable))):
            break
    return [tuple(group) for group in mutable]


def _repair_group(i: int, groups: list[list[int]], scorer: Scorer) -> bool:
    group = groups[i]
    if not scorer.repeats(group):
        return False
    changed = False
    for slot, member in enumerate(group):
        if not any(scorer.rounds_ago(member, other) for other in group if other != member):
            continue
        for j, other_group in enumerate(groups):
            if j != i and _try_swap(group, slot, other_group, scorer):
                changed = True
                break
    return changed


def _try_swap(group: list[int], slot: int, other: list[int], scorer: Scorer) -> bool:
    before = scorer.repeats(group) + scorer.repeats(other)
    for other_slot, candidate in enumerate(other):
        new_group = [*group[:slot], candidate, *group[slot + 1 :]]
        new_other = [*other[:other_slot], group[slot], *other[other_slot + 1 :]]
        if scorer.repeats(new_group) + scorer.repeats(new_other) < before:
            group[:] = new_group
            other[:] = new_other
            return True
    return False


def _exhaustive(
    order: list[int], group_size: int, scorer: Scorer, current: list[Group]
) -> list[Group]:
    """Every partition into groups of 2..group_size: only for tiny pools."""
    best, best_key = current, (scorer.total_repeats(current), -_total_weight(current, scorer))
    for groups in _partitions(order, group_size):
        key = (scorer.total_repeats(groups), -_total_weight(groups, scorer))
        if key < best_key:
            best, best_key = groups, key
    return best


def _partitions(members: list[int], largest: int) -> Iterator[list[Group]]:
    if not members:
        yield []
        return
    first, rest = members[0], members[1:]
    for size in range(2, largest + 1):
        for companions in itertools.combinations(rest, size - 1):
            remaining = [member for member in rest if member not in companions]
            if len(remaining) == 1:
                continue
            for tail in _partitions(remaining, largest):
                yield [(first, *companions), *tail]


def _total_weight(groups: Iterable[Group], scorer: Scorer) -> int:
    return sum(scorer.group_weight(group) for group in groups)


def _normalised(groups: Iterable[Iterable[int]]) -> list[Group]:
    return sorted((tuple(sorted(group)) for group in groups), key=lambda group: group[0])
