"""Attach a record's evidence links to its claims, and tell which links the developer published.

A link on a platform (``huggingface.co/<owner>/...``, ``github.com/<owner>/...``)
is the developer's own when ``<owner>`` is an account the record ties to the
developer (the model's Hugging Face owner, its repository's owner, an account
the organization links to); any other link is the developer's own when it is
on the organization's own web host. Such sources get the developer as
``dcterms:publisher``, which is how the graph knows evidence is self-reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from graph.importers.sources import add_web_source, clean_url

PLATFORMS = frozenset({"huggingface.co", "hf.co", "github.com", "gitlab.com", "codeberg.org"})
# Hosts that publish everyone's documents: never a developer's own site.
SHARED_HOSTS = PLATFORMS | frozenset(
    {
        "arxiv.org",
        "doi.org",
        "medium.com",
        "x.com",
        "twitter.com",
        "youtube.com",
        "docs.google.com",
        "drive.google.com",
        "openreview.net",
        "aclanthology.org",
        "modelscope.cn",
        "ollama.com",
        "pypi.org",
        "zenodo.org",
        "wikipedia.org",
    }
)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


def _owner(url: str) -> str | None:
    """Return the account a platform address belongs to ('allenai' for huggingface.co/allenai/x)."""
    if _host(url) not in PLATFORMS:
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if segments and segments[0] in ("datasets", "spaces") and len(segments) > 1:
        return segments[1].lower()
    return segments[0].lower() if segments else None


@dataclass
class Developer:
    """The developer of a record's model, and the addresses that identify it."""

    organizations: Sequence[URIRef]
    accounts: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)

    @classmethod
    def of(
        cls,
        organizations: Sequence[URIRef],
        links: Iterable[str | None] = (),
        hf_id: str | None = None,
    ) -> Developer:
        """Collect the accounts and hosts of a developer from its links and model id."""
        dev = cls(list(organizations))
        if hf_id:
            dev.accounts.add(hf_id.split("/", 1)[0].lower())
        for link in links:
            url = clean_url(link) if link else None
            if not url:
                continue
            owner = _owner(url)
            if owner:
                dev.accounts.add(owner)
            elif _host(url) not in SHARED_HOSTS:
                dev.hosts.add(_host(url))
        return dev

    def published(self, url: str) -> bool:
        """Tell whether the developer published the document at ``url``."""
        if not self.organizations:
            return False
        owner = _owner(url)
        if owner is not None:
            return owner in self.accounts
        host = _host(url)
        return host not in SHARED_HOSTS and any(
            host == h or host.endswith("." + h) for h in self.hosts
        )


def evidence_sources(graph: Graph, links: Iterable[str], developer: Developer) -> list[URIRef]:
    """Describe each link as a source in ``graph``; return their IRIs in the record's order."""
    nodes: list[URIRef] = []
    for link in links:
        url = clean_url(link)
        if not url:
            continue
        node = add_web_source(graph, url)
        if developer.published(url):
            for org in developer.organizations:
                graph.add((node, DCTERMS.publisher, org))
        if node not in nodes:
            nodes.append(node)
    return nodes
