"""Checks l2.py: one agreed ARP leader per IP, failover to another node, and no balancing."""

from __future__ import annotations

import hashlib
import itertools
import os
from typing import NoReturn

import l2
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Generated inputs, the same on every run (a verdict must not change between two checks);
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: fail fast
NODE_SETS = st.lists(st.from_regex(r"(node|k3s|worker)-[a-z0-9]{1,4}", fullmatch=True),
                     min_size=1, max_size=6, unique=True)
IPS = st.ip_addresses(v=4).map(str)



def sha(node: str, ip: str) -> str:
    """The prompt's score, computed here so the tests do not trust the learner's."""
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


def near_ties(ip: str, names: int = 4096) -> list[tuple[int, str, str]]:
    """(shared hex digits, a, b): node pairs whose scores agree in their first 2 to 5 hex
    digits, `a` listed first and `b` the true leader. A rank built on a cut score ties them
    and falls back on list order; random names almost never draw such a pair."""
    found: dict[int, tuple[int, str, str]] = {}
    for digits in (5, 4, 3, 2):
        seen: dict[str, str] = {}
        for i in range(names):
            node = f"node-{i}"
            key = sha(node, ip)[:digits]
            other = seen.setdefault(key, node)
            if other != node and digits not in found:
                low, high = sorted((node, other), key=lambda n: sha(n, ip))
                shared = len(os.path.commonprefix([sha(low, ip), sha(high, ip)]))
                found[digits] = (shared, high, low)
                break
    return sorted(found.values())


TIE_IPS = ["192.168.1.240", "10.0.0.7", "172.16.5.20"]
TIES = [(ip, *tie) for ip in TIE_IPS for tie in near_ties(ip)]

NODES = ["node-a", "node-b", "node-c"]
POOL = [f"192.168.1.{i}" for i in range(200, 230)]
IP = "192.168.1.240"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def expected_leader(ip: str, nodes: list[str]) -> str:
    """The prompt's rule: the healthy node with the lowest sha256(f'{node}#{ip}')."""
    return min(nodes, key=lambda n: hashlib.sha256(f"{n}#{ip}".encode()).hexdigest())


def test_every_speaker_elects_the_same_leader():
    """leader() gives the same node whatever order a speaker lists the healthy nodes in."""
    for ip in POOL[:10]:
        answers = {}
        for order in itertools.permutations(NODES):
            answers[order] = l2.leader(ip, list(order))
        if len(set(answers.values())) > 1:
            seen = "; ".join(f"{list(o)} -> {a}" for o, a in list(answers.items())[:3])
            fail(
                f"leader({ip!r}, ...) depends on the order of the node list ({seen}). Each "
                "speaker pod learns the members in its own order; if the choice depends on that "
                "order, two nodes both believe they lead and both answer ARP for the IP (or "
                "neither does); score(node, ip) is the one thing every speaker computes the same"
            )
        want = expected_leader(ip, NODES)
        got = answers[tuple(NODES)]
        if got != want:
            fail(
                f"leader({ip!r}, {NODES}) returned {got!r}; the node with the lowest "
                f"score(node, ip) is {want!r}"
            )


def test_near_ties_are_ranked_by_the_whole_score():
    """Two nodes whose scores share their first hex digits: the lower whole score leads,
    whichever is listed first."""
    for ip, digits, first, best in TIES:
        answers = {tuple(order): l2.leader(ip, order) for order in ([first, best], [best, first])}
        for order, got in answers.items():
            if got == best:
                continue
            if len(set(answers.values())) > 1:
                fail(
                    f"leader({ip!r}, {list(order)}) returned {got!r}, and {answers[order[::-1]]!r} "
                    f"with the list reversed. The two scores share their first {digits} hex "
                    f"digits and differ after them, and the score of {best!r} is the lower: "
                    "when the rank looks at only part of the score the two tie and the list "
                    "order decides, so speakers that list the nodes differently both answer "
                    "ARP for the IP (or neither does)"
                )
            fail(f"leader({ip!r}, {list(order)}) returned {got!r}; the node with the lowest "
                 f"score(node, ip) is {best!r}")


def test_another_node_takes_over_when_the_leader_fails():
    """When the leader fails, the next node by score answers; when it returns, it leads again."""
    first = l2.leader(IP, NODES)
    survivors = [n for n in NODES if n != first]
    second = l2.leader(IP, survivors)
    if second == first or second not in survivors:
        fail(
            f"{first} led {IP} and failed, but leader() still returned {second!r}. A failed "
            "node cannot answer ARP: the IP must move to one of the healthy nodes "
            f"{survivors}, or clients lose it until the node comes back"
        )
    if second != expected_leader(IP, survivors):
        fail(
            f"after {first} failed, leader() chose {second}; by score the next one is "
            f"{expected_leader(IP, survivors)}"
        )
    back = l2.leader(IP, NODES)
    if back != first:
        fail(f"when {first} recovered, leader() returned {back}; the same inputs must give {first}")


def test_a_failure_moves_only_the_failed_nodes_ips():
    """When node-b fails, the IPs led by node-a and node-c stay where they are."""
    before = {ip: l2.leader(ip, NODES) for ip in POOL}
    after = {ip: l2.leader(ip, ["node-a", "node-c"]) for ip in POOL}
    for ip in POOL:
        if before[ip] != "node-b" and after[ip] != before[ip]:
            fail(
                f"{ip} moved from {before[ip]} to {after[ip]} when node-b failed. Only node-b's "
                "IPs should move: each move makes clients re-learn the MAC address (a gratuitous "
                "ARP) and breaks the open connections through that node"
            )
        if after[ip] == "node-b":
            fail(f"{ip} is still announced by node-b after node-b failed")


def test_ips_are_spread_over_the_nodes():
    """Across a pool of 30 IPs, every node leads some of them."""
    counts = {node: 0 for node in NODES}
    for ip in POOL:
        counts[l2.leader(ip, NODES)] += 1
    idle = [node for node, count in counts.items() if count == 0]
    if idle:
        fail(
            f"over 30 IPs the leaders are {counts}: {', '.join(idle)} announce nothing. The "
            "election is per IP, so different Services land on different nodes; a single "
            "node for every IP means the choice ignores the IP"
        )


def test_l2_mode_is_failover_not_balancing():
    """All ARP replies for one IP come from its one leader: the traffic enters through one node."""
    replies = list(l2.arp_replies(IP, NODES, 9))
    leader = l2.leader(IP, NODES)
    if len(replies) != 9 or set(replies) != {leader}:
        fail(
            f"arp_replies({IP!r}, {NODES}, 9) returned {replies}; every reply should come from "
            f"the leader {leader}. In L2 mode exactly one node owns the IP, so all of its "
            "traffic enters the cluster through that node (kube-proxy spreads it over the pods "
            "from there). It is failover, not balancing: for several nodes sharing the load, "
            "MetalLB needs BGP mode with routers that do ECMP"
        )


def test_no_healthy_node_is_an_error():
    """leader(ip, []) raises LookupError: nobody can announce the IP."""
    try:
        got = l2.leader(IP, [])
    except LookupError:
        return
    except (ValueError, IndexError) as exc:
        fail(
            f"leader({IP!r}, []) raised {type(exc).__name__}; raise LookupError with a message "
            "saying that no healthy node can announce the IP"
        )
    fail(f"leader({IP!r}, []) returned {got!r}; with no healthy node it should raise LookupError")


@PROPERTY
@given(st.sampled_from(TIES), NODE_SETS, st.randoms(use_true_random=False))
def test_near_ties_among_other_nodes(tie, others, rng):
    """A near-tied pair among other nodes, in any order: the lowest whole score leads."""
    ip, digits, first, best = tie
    nodes = [first, best] + [n for n in others if n not in (first, best)]
    rng.shuffle(nodes)
    got, want = l2.leader(ip, nodes), expected_leader(ip, nodes)
    if got != want:
        tied = got in (first, best) and want in (first, best)
        fail(
            f"leader({ip!r}, {nodes}) returned {got!r}; the lowest score(node, ip) is {want!r}"
            + (f". {first!r} and {best!r} share the first {digits} hex digits of their scores, "
               "and a rank that looks at only part of the score lets the list order decide"
               if tied else "")
        )


@PROPERTY
@given(IPS, NODE_SETS, st.randoms(use_true_random=False))
def test_any_ip_any_nodes_one_agreed_leader(ip, nodes, rng):
    """For any IP and nodes, in any order: the leader is the node with the lowest score."""
    shuffled = list(nodes)
    rng.shuffle(shuffled)
    got, want = l2.leader(ip, shuffled), expected_leader(ip, nodes)
    if got != want:
        fail(
            f"leader({ip!r}, {shuffled}) returned {got!r}; every speaker must agree on one node, "
            "whatever order it lists the healthy nodes in, by the rule in the prompt: the "
            f"lowest score(node, ip), which is {want!r} here. Otherwise two nodes (or none) "
            "answer ARP for the IP"
        )
    replies = l2.arp_replies(ip, shuffled, 5)
    if set(replies) != {want}:
        fail(
            f"arp_replies({ip!r}, {shuffled}, 5) answered from {sorted(set(replies))}; in L2 mode "
            "one node owns the IP and answers every request: failover, not balancing"
        )
