"""Turn the evidence links of imported records into source nodes.

One address is one source, whichever dataset links it: the IRI is
``id:source/<slug of the address>`` (scheme and ``www.`` dropped), so the index
and the MOF citing the same model card point at the same node. The kind of
document (``dcterms:type``) is guessed from the address; the title is the
address as written, since the records give no title.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, urlsplit, urlunsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.namespaces import OG, SCHEMA, mint, slugify

MAX_SLUG = 120

PAPER_HOSTS = frozenset(
    {
        "arxiv.org",
        "doi.org",
        "dx.doi.org",
        "aclanthology.org",
        "openreview.net",
        "dl.acm.org",
        "proceedings.neurips.cc",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "ieeexplore.ieee.org",
        "link.springer.com",
        "www.nature.com",
        "nature.com",
        "jmlr.org",
        "ojs.aaai.org",
        "aclweb.org",
        "semanticscholar.org",
        "biorxiv.org",
        "researchgate.net",
        "ssrn.com",
        "papers.ssrn.com",
    }
)
REPOSITORY_HOSTS = frozenset(
    {
        "github.com",
        "gitlab.com",
        "codeberg.org",
        "bitbucket.org",
        "modelscope.cn",
        "pypi.org",
        "zenodo.org",
    }
)
NEWS_HOSTS = frozenset(
    {
        "techcrunch.com",
        "theverge.com",
        "reuters.com",
        "wired.com",
        "venturebeat.com",
        "nytimes.com",
        "bloomberg.com",
    }
)
MODEL_CARD_FILES = re.compile(r"(model[_-]?card|modelcard)[^/]*$", re.IGNORECASE)
LICENCE_PATH = re.compile(r"(^|/)(licen[cs]e[^/]*|copying[^/]*)$|/licen[cs]es?/", re.IGNORECASE)
BLOG_PATH = re.compile(r"/(blog|news|posts?|announcements?|research/blog)/", re.IGNORECASE)


def clean_url(text: str) -> str | None:
    """Return a well-formed http(s) IRI for an address as a record writes it, else None.

    Spaces and other characters an IRI may not hold are percent-encoded; an
    address without a scheme gets ``https://``.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or " " in text.split("://", 1)[-1].split("/", 1)[0]:
        return None
    if text.startswith("hhttp"):  # a typo the legacy table makes
        text = text[1:]
    if "://" not in text:
        if not re.match(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/|$)", text):
            return None
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    safe = "/:@!$&'()*+,;=-._~%"
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?#"),
        )
    )


def source_slug(url: str) -> str:
    """Return the slug of a source IRI for an address (long ones end in a short hash)."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    rest = urlunsplit(("", "", parts.path.rstrip("/"), parts.query, parts.fragment))
    slug = slugify(host + rest)
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha1(url.encode()).hexdigest()[:8]
        slug = slug[: MAX_SLUG - 9].rstrip("-.") + "-" + digest
    return slug


def source_iri(url: str) -> URIRef:
    """Return the IRI of the source found at ``url``."""
    return URIRef(mint("source", source_slug(url)))


def source_kind(url: str) -> URIRef:
    """Guess the kind of document at an address: paper, repository, model card, licence ..."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if host in PAPER_HOSTS or path.lower().endswith(".pdf") or host.endswith("arxiv.org"):
        return OG.Paper
    if LICENCE_PATH.search(path) or host in ("opensource.org", "creativecommons.org", "spdx.org"):
        return OG.LicenseDocument
    if MODEL_CARD_FILES.search(path):
        return OG.ModelCard
    if host in ("huggingface.co", "hf.co"):
        if segments[:1] == ["papers"]:
            return OG.Paper
        if segments[:1] == ["blog"]:
            return OG.BlogPost
        if segments[:1] in (["datasets"], ["spaces"], ["collections"]):
            return OG.Repository
        if len(segments) == 2 or (
            len(segments) > 2
            and segments[2:4] == ["blob", "main"]
            and segments[-1].lower() == "readme.md"
        ):
            return OG.ModelCard
        if len(segments) > 2:
            return OG.Repository
        return OG.WebPage
    if host in REPOSITORY_HOSTS:
        return OG.Repository
    if host in NEWS_HOSTS:
        return OG.NewsArticle
    if host.startswith("blog.") or host.endswith("medium.com") or BLOG_PATH.search(path):
        return OG.BlogPost
    return OG.WebPage


def add_web_source(graph: Graph, url: str) -> URIRef:
    """Describe the source at ``url`` in ``graph`` and return its IRI."""
    node = source_iri(url)
    graph.add((node, RDF.type, OG.Source))
    graph.add((node, DCTERMS.type, source_kind(url)))
    graph.add((node, DCTERMS.title, Literal(url.split("://", 1)[1])))
    graph.add((node, SCHEMA.url, URIRef(url)))
    return node


def add_source(graph: Graph, node: URIRef, kind: URIRef, title: str, url: str) -> None:
    """Describe ``node`` as a source of ``kind`` with a title and an address."""
    graph.add((node, RDF.type, OG.Source))
    graph.add((node, DCTERMS.type, kind))
    graph.add((node, DCTERMS.title, Literal(title)))
    graph.add((node, SCHEMA.url, URIRef(url)))
