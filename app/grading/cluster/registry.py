"""The rules of `flask lint k8s`: id, severity, summary and remediation, in one registry.

Errors are for what breaks (the API server refuses it, or traffic does not arrive); warnings
are advice (it works, but is fragile or unsafe). docs/k8s-rules.md is generated from this
table (`python -m app.grading.cluster.registry > docs/k8s-rules.md`), in the manner of
kube-linter's check list; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rule:
    """One check: its stable id, how bad, what it finds, and how to fix it."""

    id: str
    severity: tuple[str, ...]  # (error,), (warning,) or both: the context decides
    summary: str
    remediation: str


def _rules(*rows: tuple[str, str, str, str]) -> dict[str, Rule]:
    """Rules from (id, severities "error/warning", summary, remediation) rows."""
    return {r[0]: Rule(r[0], tuple(r[1].split("/")), r[2], r[3]) for r in rows}


E, W, EW = ERROR, WARNING, f"{ERROR}/{WARNING}"

RULES: dict[str, Rule] = _rules(
    # Reading the file
    ("yaml-syntax", E, "The YAML cannot be read (syntax, tabs, nesting, or aliases that expand "
     "into a huge tree).", "Fix the line named; write repeated values out instead of aliasing."),
    ("yaml-warning", W, "The YAML reader noticed something odd (e.g. an anchor defined twice).",
     "Give each anchor one definition."),
    ("not-text", E, "The file is binary, not text.", "Check the right file."),
    ("not-utf8", E, "The file is not UTF-8.", "Save it as UTF-8."),
    ("unreadable-file", E, "The file cannot be opened.", "Check the path and permissions."),
    ("file-too-large", E, "The file is over the size limit of the check.",
     "Split it, or raise --max-kb."),
    ("too-large", E, "A value or document is too large to check quickly.", "Split it."),
    ("empty-file", E, "The file has no YAML documents.", "Add the resources."),
    ("empty-document", W, "A document between two '---' lines is empty.",
     "Remove the extra '---'."),
    ("document-not-mapping", E, "A document is a list or a plain value, not a resource.",
     "Write apiVersion, kind, metadata and spec as keys."),
    ("unchecked", W, "A kind this checker does not know; it is read but not reviewed.",
     "Nothing to do if the kind is installed in the cluster."),
    # Identity and API versions
    ("missing-api-version", E, "No apiVersion.", "Add the kind's apiVersion."),
    ("missing-kind", E, "No kind.", "Add kind."),
    ("missing-metadata", E, "No metadata.", "Add metadata with a name."),
    ("missing-name", E, "No metadata.name.", "Name the resource."),
    ("api-version", E, "The apiVersion does not serve this kind.",
     "Use the group/version the kind lives in."),
    ("api-version-older", W, "An older version of the kind's API, still served.",
     "Move to the current version."),
    ("removed-api-version", E, "An API version removed from current Kubernetes or projects.",
     "Use the version that replaced it (the message names it)."),
    ("unknown-kind", EW, "A kind no installed API serves (error when it is a known typo).",
     "Check the spelling, or install the CRD."),
    ("api-server-rejects", E, "The cluster model's API-server validation refuses the object "
     "(types, ranges, names, selectors that must match their template).",
     "Fix the field named; kubectl apply stops at the first such object."),
    # Metadata, names, fields
    ("invalid-name", E, "metadata.name is not a valid DNS name.",
     "Lowercase letters, digits and '-', starting and ending with a letter or digit."),
    ("invalid-label", E, "A label key or value is not valid.",
     "Keys: optional prefix/ and a name of <= 63 characters; values: <= 63, alphanumeric ends."),
    ("invalid-key", E, "A ConfigMap or Secret key is not a valid file name.",
     "Letters, digits, '-', '_' and '.'."),
    ("unknown-field", EW, "A field the kind does not have (error when it looks like a typo).",
     "Use the field the message suggests; kubectl --validate=strict refuses unknown fields."),
    ("field-shape", E, "A field has the wrong type (a list where a map belongs, and so on).",
     "Write the shape the API documents."),
    ("missing-field", EW, "A required field is missing.", "Add it."),
    ("invalid-value", E, "A value outside what the API accepts.", "Use one of the listed values."),
    ("duplicate-resource", E, "The same kind, namespace and name twice: the second overwrites "
     "the first.", "Rename one of them."),
    ("duplicate-name", E, "Two containers, ports or items share a name.", "Make the names unique."),
    ("namespace-on-cluster-resource", W, "A namespace on a cluster-scoped kind (ignored).",
     "Remove metadata.namespace."),
    ("foreign-annotation", W, "An annotation for another controller than the one serving it.",
     "Use the serving controller's annotation."),
    # Pods and workloads
    ("selector-shape", E, "spec.selector is not a label selector.", "Use matchLabels."),
    ("selector-template-mismatch", E, "The workload's selector does not match its pod template's "
     "labels: the API server refuses it.", "Select the labels of spec.template.metadata.labels."),
    ("restart-policy", E, "A restartPolicy the kind does not allow.",
     "Deployments: Always; Jobs: OnFailure or Never."),
    ("image-not-pinned", W, "An image without a tag, or :latest.", "Pin a version tag or digest."),
    ("invalid-port", E, "A port number outside 1-65535, or not a number.", "Use a number."),
    ("invalid-port-name", E, "A port name that is not an IANA service name.",
     "<= 15 lowercase letters, digits and '-', with a letter."),
    ("quoted-port", E, "A port written as a quoted number: a string, read as a port name.",
     "Write the number without quotes."),
    ("duplicate-port", EW, "The same port declared twice.", "Declare each port once."),
    ("duplicate-port-name", E, "Two ports share a name.", "Rename one."),
    ("duplicate-env", W, "An environment variable set twice (the last wins).", "Keep one."),
    ("invalid-env", E, "An env entry without name, or with value and valueFrom both.",
     "One name, one source."),
    ("env-not-string", E, "An env value that YAML reads as a number or boolean.", "Quote it."),
    ("unknown-volume", E, "A volumeMount names no volume of the pod (nor a "
     "volumeClaimTemplate of a StatefulSet).", "Add the volume, or fix the name."),
    ("probe-handler", E, "A probe without exactly one handler.",
     "Use one of httpGet, tcpSocket, exec or grpc."),
    ("probe-port", E, "A probe asks a port the container does not declare.",
     "Use a declared port number or name."),
    ("no-readiness-probe", W, "A serving container without a readinessProbe gets traffic before "
     "it is ready.", "Add a readinessProbe."),
    ("invalid-quantity", E, "A resource quantity that is not a Kubernetes quantity.",
     "Write e.g. 100m, 0.5, 128Mi."),
    ("memory-millibytes", E, "Memory in 'm' (thousandths of a byte).", "Use Mi or M."),
    ("request-above-limit", E, "A request above its limit: the pod is refused.",
     "Requests <= limits."),
    ("statefulset-service", W, "A StatefulSet's serviceName names no headless Service here.",
     "Add the headless Service (clusterIP: None)."),
    # Services
    ("service-without-ports", E, "A Service without ports.", "Add ports."),
    ("service-port-name", E, "A Service with several ports leaves one unnamed.", "Name each port."),
    ("service-selector-shape", E, "A Service selector that is not a flat map of labels.",
     "A Service selector is key: value pairs, no matchLabels."),
    ("service-without-selector", EW, "A Service without a selector gets no endpoints from the "
     "cluster.", "Select the pods' labels (or manage the EndpointSlices yourself)."),
    ("service-selects-no-pods", E, "The selector matches no pod template in the files.",
     "Select the labels of the pods, not of the workload."),
    ("service-target-port-unreachable", E, "targetPort reaches no port the selected containers "
     "declare.", "Use the containerPort number or its name."),
    ("node-port", E, "A nodePort outside 30000-32767, or on a type without node ports.",
     "Pick a port in the range, on type NodePort or LoadBalancer."),
    ("load-balancer-ip", W, "spec.loadBalancerIP is deprecated.",
     "Use the load balancer's annotation (e.g. metallb.io/loadBalancerIPs)."),
    # Ingress
    ("ingress-class", EW, "No ingressClassName, or a class no controller here serves.",
     "Name the controller's class (traefik on K3s)."),
    ("ingress-path-type", E, "A path without a valid pathType.",
     "Exact, Prefix or ImplementationSpecific."),
    ("ingress-without-paths", E, "An Ingress rule without paths.", "Add paths."),
    ("ingress-backend-service", E, "A backend with neither a Service (name and port) nor a "
     "resource.", "Name the Service and one of its ports."),
    ("ingress-backend-port", E, "A backend port that is not a valid number or name.",
     "Use the Service's port number or name."),
    ("ingress-backend-unknown-service", E, "The backend names a Service the files do not define "
     "in that namespace.", "Fix the name or add the Service."),
    ("ingress-backend-unknown-port", E, "The backend asks the Service for a port it does not "
     "offer (often the container's port).", "Use a port the Service offers."),
    ("invalid-host", E, "A host that is not a valid DNS name (or a wildcard in the wrong place).",
     "A lowercase DNS name, with at most a leading '*.'."),
    ("invalid-path", E, "A path that is not absolute, or a regex on a Prefix/Exact path.",
     "Start with '/'; regexes need ImplementationSpecific."),
    ("tls-host", W, "A TLS host no rule serves.", "List the hosts the rules serve."),
    # ConfigMap and Secret
    ("configmap-not-string", E, "A ConfigMap value that is not a string.",
     "Quote it, or use a block (key: |)."),
    ("secret-not-string", E, "A Secret value that is not a string.", "Quote it."),
    ("invalid-base64", E, "A Secret data value that is not base64.",
     "Encode it, or use stringData."),
    ("secret-type", E, "A Secret type without the keys it needs.", "Add the keys the type names."),
    ("secret-in-manifest", W, "A credential in plain text in a manifest.",
     "Use a Secret created outside git (or sealed/external secrets)."),
    ("plain-secret", W, "A Secret with literal values checked in.", "Keep secrets out of git."),
    # Traefik and K3s
    ("traefik-rule", E, "An IngressRoute match rule Traefik cannot parse.",
     "Matchers like Host(`a`) or Host(\"a\"), joined by && and ||."),
    ("traefik-entrypoint", W, "An entryPoint K3s's Traefik does not define.",
     "web (80) or websecure (443)."),
    ("traefik-cert-resolver", E, "A certResolver the Traefik configuration does not define.",
     "Define it in the HelmChartConfig, or fix the name."),
    ("unknown-middleware", E, "A route names a Middleware that does not exist there.",
     "Fix the name or namespace."),
    ("middleware-count", E, "A Middleware with no type, or several.", "One type per Middleware."),
    ("deprecated-middleware", W, "A Middleware type Traefik v3 removed or renamed.",
     "Use the replacement the message names."),
    ("helm-chart-config", EW, "A HelmChartConfig K3s would not merge (name or namespace).",
     "Name it after the chart, in kube-system."),
    ("helm-values", E, "valuesContent is not readable YAML.", "Fix the YAML inside the block."),
    # MetalLB
    ("invalid-address", E, "A pool address that is neither a CIDR nor a range.",
     "192.168.1.240/28 or 192.168.1.240-192.168.1.250."),
    ("pool-overlap", E, "Two pools share addresses.", "Make the ranges disjoint."),
    ("pool-not-advertised", W, "A pool no L2Advertisement or BGPAdvertisement announces.",
     "Add an advertisement for it."),
    ("pool-exhausted", W, "More LoadBalancer Services than addresses: the rest stay <pending>.",
     "Enlarge the pool."),
    ("ip-outside-pools", E, "A requested IP that no pool holds: the Service stays <pending>.",
     "Request an address of a pool."),
    ("metallb-namespace", W, "A MetalLB object outside MetalLB's namespace (ignored).",
     "Put it in metallb-system."),
    # Gateway API, meshes, policies
    ("route-not-allowed", E, "A route the Gateway's listener does not accept (namespace, kind).",
     "Match allowedRoutes, or move the route."),
    ("missing-reference", EW, "A reference to an object the files do not define there.",
     "Fix the name or namespace."),
    ("istio-weights", W, "Route weights that do not add up to 100 (Istio normalises them).",
     "Write weights that add up to 100 to say what you mean."),
    ("subset-selects-no-pods", W, "A DestinationRule subset whose labels match no pod.",
     "Use the labels of the pods of that version."),
    ("mesh-injection", W, "A mesh injection setting written where it is ignored.",
     "Annotate the namespace or pod template as the mesh documents."),
    ("cilium-selector", E, "A Cilium rule without exactly one of endpointSelector and "
     "nodeSelector.", "Select the pods the rule protects."),
    ("cilium-port", E, "A Cilium port that is not a quoted string.", "Write port: \"8080\"."),
    ("cilium-empty", E, "A Cilium rule with no ingress or egress section (its CRD requires "
     "one).", "Add the rules."),
)


def rule(rule_id: str) -> Rule | None:
    """A rule by id."""
    return RULES.get(rule_id)


def markdown() -> str:
    """The reference page: every rule with its severity, summary and remediation."""
    lines = [
        "# `flask lint k8s` rules",
        "",
        "Generated from `app/grading/cluster/registry.py` "
        "(`python -m app.grading.cluster.registry > docs/k8s-rules.md`); "
        "do not edit by hand.",
        "",
        "**error**: it will not work (the API server refuses it, or traffic does not arrive); "
        "the command exits 1. **warning**: it works, but is fragile or unsafe.",
        "",
        "| rule | severity | what it finds | how to fix it |",
        "| --- | --- | --- | --- |",
    ]
    for r in sorted(RULES.values(), key=lambda r: r.id):
        cells = [f"`{r.id}`", " / ".join(r.severity), r.summary, r.remediation]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
