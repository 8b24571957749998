"""Who can reach which port of the VPS once firewall.sh has run (a model of ufw)."""

from __future__ import annotations

import pytest
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import vps

ADMIN = "203.0.113.7"
VISITOR = "198.51.100.23"
STRANGER = "192.0.2.44"  # someone else on the internet, a scanning bot
LETS_ENCRYPT = "23.178.112.105"  # any address: Let's Encrypt checks from several
# Coolify's container on the `coolify` Docker network (10.0.1.0/24 here) opens SSH to
# host.docker.internal, the bridge's gateway: the packets arrive on that bridge, whose name
# (br- and the network's id) is not known in advance, and cross the host's INPUT chain.
COOLIFY_CONTAINER = "10.0.1.5"
COOLIFY_BRIDGE = "br-5e2f4c7a9d10"


def firewall() -> vps.Firewall:
    """The firewall after the learner's commands."""
    try:
        return vps.run_ufw(submission.read("firewall.sh"), admin=ADMIN)
    except DeployError as exc:
        checks.fail(f"firewall.sh line {exc.line}: {exc.message}")


def test_ssh_keeps_working():
    """Your SSH session survives `ufw enable`, and SSH stays reachable for you."""
    fw = firewall()
    if fw.lockout:
        checks.fail(fw.lockout + "\n" + fw.trace.text())
    checks.require(fw.reaches(22, ADMIN), "After the script, you cannot log in over SSH")


def test_ssh_is_closed_to_strangers():
    """SSH is closed to every other address on the internet."""
    fw = firewall()
    if not fw.enabled:
        pytest.skip("ufw is not enabled (see that check)")
    # Every range a rule names is probed, not one address: a private range (10.0.0.0/8 holds
    # the Coolify network) is fine, as no packet from the internet comes from it.
    for address in [STRANGER, *fw.internet_sources(22)]:
        if address == ADMIN:
            continue
        result = fw.reaches(22, address)
        if result.ok:
            checks.fail(f"A stranger at {address} can reach SSH (port 22): "
                        f"{result.trace.text()}. Bots that scan the internet find an open port "
                        "22 within minutes and try passwords and known exploits on it day and "
                        "night")


def test_coolify_can_manage_its_own_server():
    """Coolify's container reaches this server's SSH from the `coolify` network."""
    fw = firewall()
    if not fw.enabled:
        pytest.skip("ufw is not enabled (see that check)")
    result = fw.reaches(22, COOLIFY_CONTAINER, interface=COOLIFY_BRIDGE)
    if not result.ok:
        checks.fail(f"Coolify's container at {COOLIFY_CONTAINER} cannot open SSH to this "
                    f"server: {result.trace.text()}. Coolify manages its own server "
                    "(\"localhost\") over SSH from that container, so it loses it: deploys "
                    "stop with \"ssh: connect to host host.docker.internal port 22: Connection "
                    "refused\" and the dashboard's server checks fail")


def test_ufw_is_switched_on_and_closes_the_rest():
    """ufw is enabled, and databases and app ports are closed to the internet."""
    fw = firewall()
    if not fw.enabled:
        checks.fail("ufw is not enabled at the end of the script, so it filters nothing: every "
                    "port a program opens is open to the internet")
    for port, what in ((5432, "PostgreSQL"), (6379, "Redis"), (3000, "an app's own port")):
        result = fw.reaches(port, VISITOR)
        if result.ok:
            checks.fail(f"Anyone can reach port {port} ({what}) from the internet: "
                        f"{result.trace.text()}")


@pytest.mark.parametrize(("port", "who", "address", "why"), [
    (443, "a visitor", VISITOR, "the shop over HTTPS"),
    (80, "Let's Encrypt", LETS_ENCRYPT, "the HTTP-01 challenge that proves you own the domain, "
     "and visitors who type the bare domain (Traefik redirects them to HTTPS)"),
    (8000, "you", ADMIN, "the Coolify dashboard, before it has a domain behind Traefik"),
])
def test_the_web_and_the_dashboard_get_in(port, who, address, why):
    """Port {port} lets {who} in."""
    fw = firewall()
    if not fw.enabled:
        pytest.skip("ufw is not enabled (see that check)")
    result = fw.reaches(port, address)
    checks.require(result, f"{who.capitalize()} cannot reach port {port}, needed for {why}")
