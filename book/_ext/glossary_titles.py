"""Keep a Markdown link's title as the hover title of the link the book renders.

MyST turns ``[MFU](../book/glossary.md#mfu "MFU: model FLOPs utilization …")`` into a cross-reference that keeps
the title (a ``pending_xref`` with ``title``), but its resolver (myst-parser 3.0.1, ``MystReferenceResolver``) builds a new link
without it. Before the resolver runs, each titled reference is wrapped; after it, the title is put on the
resolved link and the wrapper removed, so the glossary's definitions show on hover in the book as in JupyterLab.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class _Titled(nodes.inline):
    """A titled reference waiting for its resolution."""


class WrapTitled(SphinxPostTransform):
    default_priority = 8        # before MystReferenceResolver (9)

    def run(self, **kwargs) -> None:
        for ref in list(self.document.findall(pending_xref)):
            if ref.get("reftype") == "myst" and ref.get("title"):
                wrapper = _Titled("", "", reftitle=ref["title"])
                ref.replace_self(wrapper)
                wrapper += ref


class RestoreTitles(SphinxPostTransform):
    default_priority = 20

    def run(self, **kwargs) -> None:
        for wrapper in list(self.document.findall(_Titled)):
            for ref in wrapper.findall(nodes.reference):
                ref["reftitle"] = wrapper["reftitle"]
            wrapper.replace_self(wrapper.children)


def setup(app: Sphinx) -> dict:
    app.add_post_transform(WrapTitled)
    app.add_post_transform(RestoreTitles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
